using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CardBlocks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards");

            migrationBuilder.AddColumn<string>(
                name: "BlockNote",
                table: "Cards",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BlockReason",
                table: "Cards",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards",
                columns: new[] { "CardHolderId", "Fingerprint" },
                unique: true,
                filter: "\"StoppedUtc\" IS NULL OR \"StoppedAs\" = 'Blocked'");

            // Existing installations: analysts and administrators get the new permission once, as a new installation's
            // default grants do (on a new database the roles do not exist yet and the start-up grants it; docs/decisions/0028).
            migrationBuilder.Sql(
                "INSERT INTO \"AspNetRoleClaims\" (\"RoleId\", \"ClaimType\", \"ClaimValue\") " +
                "SELECT r.\"Id\", 'permission', 'cards.block' FROM \"AspNetRoles\" AS r WHERE r.\"NormalizedName\" IN ('ANALYST', 'ADMIN') " +
                "AND NOT EXISTS (SELECT 1 FROM \"AspNetRoleClaims\" AS c WHERE c.\"RoleId\" = r.\"Id\" AND c.\"ClaimType\" = 'permission' AND c.\"ClaimValue\" = 'cards.block');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DELETE FROM \"AspNetRoleClaims\" WHERE \"ClaimType\" = 'permission' AND \"ClaimValue\" = 'cards.block';");

            migrationBuilder.DropIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards");

            migrationBuilder.DropColumn(
                name: "BlockNote",
                table: "Cards");

            migrationBuilder.DropColumn(
                name: "BlockReason",
                table: "Cards");

            migrationBuilder.CreateIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards",
                columns: new[] { "CardHolderId", "Fingerprint" },
                unique: true,
                filter: "\"StoppedUtc\" IS NULL");
        }
    }
}
