using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CardStops : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards");

            migrationBuilder.AddColumn<string>(
                name: "StoppedAs",
                table: "Cards",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "StoppedUtc",
                table: "Cards",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Cards_CardHolderId",
                table: "Cards",
                column: "CardHolderId");

            migrationBuilder.CreateIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards",
                columns: new[] { "CardHolderId", "Fingerprint" },
                unique: true,
                filter: "\"StoppedUtc\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cards_CardHolderId",
                table: "Cards");

            migrationBuilder.DropIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards");

            migrationBuilder.DropColumn(
                name: "StoppedAs",
                table: "Cards");

            migrationBuilder.DropColumn(
                name: "StoppedUtc",
                table: "Cards");

            migrationBuilder.CreateIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards",
                columns: new[] { "CardHolderId", "Fingerprint" },
                unique: true);
        }
    }
}
