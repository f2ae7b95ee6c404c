using Enrollment.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Enrollment.Migrations.Migrations;

/// <summary>Certificate requests: submission, decision and pickup (docs/design.md, "Flow").</summary>
[DbContext(typeof(EnrollmentDbContext))]
[Migration("20261122060000_EnrollmentRequests")]
public sealed class EnrollmentRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "EnrollmentRequests",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                RequesterId = table.Column<string>(type: "TEXT", nullable: false),
                Profile = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Justification = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                SubmittedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                DeciderId = table.Column<string>(type: "TEXT", nullable: true),
                DeciderName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                DecisionComment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                PickupDeadline = table.Column<DateTime>(type: "TEXT", nullable: true),
                ClosedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                PickupMethod = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                CertificateSerial = table.Column<string>(type: "TEXT", maxLength: 42, nullable: true),
                RenewalOf = table.Column<string>(type: "TEXT", maxLength: 42, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_EnrollmentRequests", x => x.Id);
                table.ForeignKey(
                    name: "FK_EnrollmentRequests_AspNetUsers_RequesterId",
                    column: x => x.RequesterId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateIndex(
            name: "IX_EnrollmentRequests_RequesterId_SubmittedAt",
            table: "EnrollmentRequests",
            columns: ["RequesterId", "SubmittedAt"]);

        migrationBuilder.CreateIndex(
            name: "IX_EnrollmentRequests_State_SubmittedAt",
            table: "EnrollmentRequests",
            columns: ["State", "SubmittedAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropTable(name: "EnrollmentRequests");
}
