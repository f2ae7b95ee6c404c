using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Enrollment.Migrations.SqlServer.Migrations
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
                    Number = table.Column<long>(type: "bigint", nullable: false),
                    IssuerKeyId = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Der = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    ThisUpdate = table.Column<DateTime>(type: "datetime2", nullable: false),
                    NextUpdate = table.Column<DateTime>(type: "datetime2", nullable: false)
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
