using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Enrollment.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class OneOpenRequestPerProfile : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
