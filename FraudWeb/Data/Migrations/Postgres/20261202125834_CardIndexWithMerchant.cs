using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CardIndexWithMerchant : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_CardId_TimestampUtc_Id",
                table: "Transactions");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_CardId_TimestampUtc_Id_TerminalId",
                table: "Transactions",
                columns: new[] { "CardId", "TimestampUtc", "Id", "TerminalId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_CardId_TimestampUtc_Id_TerminalId",
                table: "Transactions");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_CardId_TimestampUtc_Id",
                table: "Transactions",
                columns: new[] { "CardId", "TimestampUtc", "Id" });
        }
    }
}
