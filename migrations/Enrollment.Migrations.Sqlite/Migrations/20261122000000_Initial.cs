using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Enrollment.Data;

namespace Enrollment.Migrations.Migrations;

/// <summary>
/// The first schema: ASP.NET Core Identity (schema version 1) with the portal's user fields,
/// issued certificates, CA counters and the audit chain.
/// </summary>
[DbContext(typeof(EnrollmentDbContext))]
[Migration("20261122000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AspNetRoles",
            columns: table => new
            {
                Id = table.Column<string>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                NormalizedName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                ConcurrencyStamp = table.Column<string>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetRoles", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUsers",
            columns: table => new
            {
                Id = table.Column<string>(type: "TEXT", nullable: false),
                UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                NormalizedUserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                EmailConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                PasswordHash = table.Column<string>(type: "TEXT", nullable: true),
                SecurityStamp = table.Column<string>(type: "TEXT", nullable: true),
                ConcurrencyStamp = table.Column<string>(type: "TEXT", nullable: true),
                PhoneNumber = table.Column<string>(type: "TEXT", nullable: true),
                PhoneNumberConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                TwoFactorEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                LockoutEnd = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                LockoutEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                AccessFailedCount = table.Column<int>(type: "INTEGER", nullable: false),
                DisplayName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                EmployeeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Upn = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                Disabled = table.Column<bool>(type: "INTEGER", nullable: false),
                MustChangePassword = table.Column<bool>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUsers", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "AspNetRoleClaims",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                RoleId = table.Column<string>(type: "TEXT", nullable: false),
                ClaimType = table.Column<string>(type: "TEXT", nullable: true),
                ClaimValue = table.Column<string>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                table.ForeignKey(
                    name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                    column: x => x.RoleId,
                    principalTable: "AspNetRoles",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserClaims",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                UserId = table.Column<string>(type: "TEXT", nullable: false),
                ClaimType = table.Column<string>(type: "TEXT", nullable: true),
                ClaimValue = table.Column<string>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                table.ForeignKey(
                    name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserLogins",
            columns: table => new
            {
                LoginProvider = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                ProviderKey = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                ProviderDisplayName = table.Column<string>(type: "TEXT", nullable: true),
                UserId = table.Column<string>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                table.ForeignKey(
                    name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserRoles",
            columns: table => new
            {
                UserId = table.Column<string>(type: "TEXT", nullable: false),
                RoleId = table.Column<string>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                table.ForeignKey(
                    name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                    column: x => x.RoleId,
                    principalTable: "AspNetRoles",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserTokens",
            columns: table => new
            {
                UserId = table.Column<string>(type: "TEXT", nullable: false),
                LoginProvider = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                Value = table.Column<string>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                table.ForeignKey(
                    name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_AspNetRoleClaims_RoleId",
            table: "AspNetRoleClaims",
            column: "RoleId");

        migrationBuilder.CreateIndex(
            name: "RoleNameIndex",
            table: "AspNetRoles",
            column: "NormalizedName",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserClaims_UserId",
            table: "AspNetUserClaims",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserLogins_UserId",
            table: "AspNetUserLogins",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserRoles_RoleId",
            table: "AspNetUserRoles",
            column: "RoleId");

        migrationBuilder.CreateIndex(
            name: "EmailIndex",
            table: "AspNetUsers",
            column: "NormalizedEmail");

        migrationBuilder.CreateIndex(
            name: "UserNameIndex",
            table: "AspNetUsers",
            column: "NormalizedUserName",
            unique: true);

        CreatePortalTables(migrationBuilder);
    }

    private static void CreatePortalTables(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "IssuedCertificates",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                SerialNumber = table.Column<string>(type: "TEXT", maxLength: 42, nullable: false),
                IssuerKeyId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                UserId = table.Column<string>(type: "TEXT", nullable: false),
                Profile = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                SubjectDn = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                PublicKeySha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                NotBefore = table.Column<DateTime>(type: "TEXT", nullable: false),
                NotAfter = table.Column<DateTime>(type: "TEXT", nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Certificate = table.Column<byte[]>(type: "BLOB", nullable: true),
                RequestId = table.Column<Guid>(type: "TEXT", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                RevocationReason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                LastSeenAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_IssuedCertificates", x => x.Id);
                table.ForeignKey(
                    name: "FK_IssuedCertificates_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "CaCounters",
            columns: table => new
            {
                Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Value = table.Column<long>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CaCounters", x => x.Name);
            });

        migrationBuilder.CreateTable(
            name: "AuditEvents",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                Address = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                EventType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Target = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                Details = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AuditEvents", x => x.Id);
            });

        migrationBuilder.CreateIndex(name: "IX_AspNetUsers_EmployeeId", table: "AspNetUsers", column: "EmployeeId", unique: true);
        migrationBuilder.CreateIndex(name: "IX_IssuedCertificates_SerialNumber", table: "IssuedCertificates", column: "SerialNumber", unique: true);
        migrationBuilder.CreateIndex(name: "IX_IssuedCertificates_UserId_State", table: "IssuedCertificates", columns: ["UserId", "State"]);
        migrationBuilder.CreateIndex(name: "IX_IssuedCertificates_NotAfter", table: "IssuedCertificates", column: "NotAfter");
        migrationBuilder.CreateIndex(name: "IX_IssuedCertificates_RevokedAt", table: "IssuedCertificates", column: "RevokedAt");
        migrationBuilder.CreateIndex(name: "IX_AuditEvents_OccurredAt", table: "AuditEvents", column: "OccurredAt");
        migrationBuilder.CreateIndex(name: "IX_AuditEvents_EventType_OccurredAt", table: "AuditEvents", columns: ["EventType", "OccurredAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "AuditEvents", "CaCounters", "IssuedCertificates", "AspNetRoleClaims", "AspNetUserClaims",
                     "AspNetUserLogins", "AspNetUserRoles", "AspNetUserTokens", "AspNetRoles", "AspNetUsers" })
        {
            migrationBuilder.DropTable(name: table);
        }
    }
}
