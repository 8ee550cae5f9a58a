using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AnalystLabelsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Transactions_AnalystLabels",
                table: "Transactions",
                column: "LabelledBy",
                filter: "\"LabelledBy\" IS NOT NULL AND \"LabelledBy\" <> 'simulator'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_AnalystLabels",
                table: "Transactions");
        }
    }
}
