using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Enrollment.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class CrlPublications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CrlPublications",
                columns: table => new
                {
                    Number = table.Column<long>(type: "INTEGER", nullable: false),
                    IssuerKeyId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Der = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ThisUpdate = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextUpdate = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CrlPublications", x => x.Number);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CrlPublications");
        }
    }
}
