using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UnknownAddressFailures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UnknownAddressFailures",
                columns: table => new
                {
                    AddressHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false),
                    LockedUntilUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastFailedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UnknownAddressFailures", x => x.AddressHash);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UnknownAddressFailures_LastFailedUtc",
                table: "UnknownAddressFailures",
                column: "LastFailedUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UnknownAddressFailures");
        }
    }
}
