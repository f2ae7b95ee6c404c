using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Enrollment.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class OneOpenRequestPerProfile : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Approvals whose pickup window closed before the sweep lapsed them would stand beside a newer
            // request for the same profile: lapse them first, as the sweep would have (times are ISO text).
            migrationBuilder.Sql("""
                UPDATE "EnrollmentRequests" SET "State" = 'Lapsed', "ClosedAt" = "PickupDeadline"
                WHERE "State" = 'Approved' AND "PickupDeadline" <= strftime('%Y-%m-%d %H:%M:%f', 'now');
                """);
            migrationBuilder.CreateIndex(
                name: "IX_EnrollmentRequests_OneOpenPerProfile",
                table: "EnrollmentRequests",
                columns: new[] { "RequesterId", "Profile" },
                unique: true,
                filter: "\"State\" IN ('Pending', 'Approved')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_EnrollmentRequests_OneOpenPerProfile",
                table: "EnrollmentRequests");
        }
    }
}
