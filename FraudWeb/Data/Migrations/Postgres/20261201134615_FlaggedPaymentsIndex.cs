using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FlaggedPaymentsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Transactions_Flagged",
                table: "Transactions",
                columns: new[] { "CardId", "TimestampUtc" },
                filter: "\"Decision\" IN ('Declined', 'Review') OR \"Label\" = 'Fraud'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_Flagged",
                table: "Transactions");
        }
    }
}
