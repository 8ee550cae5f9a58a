using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CardFingerprintIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Cards_Fingerprint",
                table: "Cards",
                column: "Fingerprint");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cards_Fingerprint",
                table: "Cards");
        }
    }
}
