using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReviewQueueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_Decision",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_Label",
                table: "Transactions");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_AwaitingReview",
                table: "Transactions",
                column: "TimestampUtc",
                filter: "\"Decision\" = 'Review' AND \"Label\" = 'Unknown'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_AwaitingReview",
                table: "Transactions");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_Decision",
                table: "Transactions",
                column: "Decision");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_Label",
                table: "Transactions",
                column: "Label");
        }
    }
}
