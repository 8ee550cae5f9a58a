using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReportRisk : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Risk",
                table: "FraudReports",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Reports opened before keep their payment's risk, as new ones do (FraudReport.Open); -1 without a verdict.
            migrationBuilder.Sql("""
                UPDATE "FraudReports" SET "Risk" = COALESCE((SELECT t."RiskScore" FROM "Transactions" t WHERE t."Id" = "FraudReports"."TransactionId"), -1);
                """);

            migrationBuilder.CreateIndex(
                name: "IX_FraudReports_Queue",
                table: "FraudReports",
                columns: new[] { "Risk", "CreatedUtc", "TransactionId" },
                descending: new[] { true, false, false },
                filter: "\"Status\" = 'Open'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FraudReports_Queue",
                table: "FraudReports");

            migrationBuilder.DropColumn(
                name: "Risk",
                table: "FraudReports");
        }
    }
}
