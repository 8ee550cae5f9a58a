using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FraudReportCard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CardId",
                table: "FraudReports",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_FraudReports_CardId",
                table: "FraudReports",
                column: "CardId");

            // Existing reports take their payment's card.
            migrationBuilder.Sql("""
                UPDATE "FraudReports" SET "CardId" = (SELECT t."CardId" FROM "Transactions" t WHERE t."Id" = "FraudReports"."TransactionId");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FraudReports_CardId",
                table: "FraudReports");

            migrationBuilder.DropColumn(
                name: "CardId",
                table: "FraudReports");
        }
    }
}
