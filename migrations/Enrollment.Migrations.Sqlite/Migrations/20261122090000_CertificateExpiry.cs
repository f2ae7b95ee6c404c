using Enrollment.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Enrollment.Migrations.Migrations;

/// <summary>Remembers which expiry reminder went out and when a certificate was recorded as expired.</summary>
[DbContext(typeof(EnrollmentDbContext))]
[Migration("20261122090000_CertificateExpiry")]
public sealed class CertificateExpiry : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(name: "ReminderDaysSent", table: "IssuedCertificates", type: "INTEGER", nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "ExpiredAt", table: "IssuedCertificates", type: "TEXT", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "ExpiredAt", table: "IssuedCertificates");
        migrationBuilder.DropColumn(name: "ReminderDaysSent", table: "IssuedCertificates");
    }
}
