using Enrollment.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Enrollment.Migrations.Migrations;

/// <summary>Stores the last accepted TOTP time step per user, so a code is accepted once.</summary>
[DbContext(typeof(EnrollmentDbContext))]
[Migration("20261122030000_TotpReplayGuard")]
public sealed class TotpReplayGuard : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable(
            name: "AuthenticatorSteps",
            columns: table => new
            {
                UserId = table.Column<string>(type: "TEXT", nullable: false),
                LastStep = table.Column<long>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AuthenticatorSteps", x => x.UserId);
                table.ForeignKey(
                    name: "FK_AuthenticatorSteps_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropTable(name: "AuthenticatorSteps");
}
