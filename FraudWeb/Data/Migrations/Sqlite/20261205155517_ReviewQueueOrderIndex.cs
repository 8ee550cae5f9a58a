using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReviewQueueOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Transactions_ReviewQueue",
                table: "Transactions",
                column: "RiskScore",
                descending: Array.Empty<bool>(),
                filter: "\"Decision\" = 'Review' AND \"Label\" = 'Unknown'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_ReviewQueue",
                table: "Transactions");
        }
    }
}
