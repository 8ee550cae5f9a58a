using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReportRisk : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Reports opened before keep their payment's risk, as new ones do (FraudReport.Open); -1 without a verdict. The
            // column and the update may run again: the index is built without blocking the reports' writes, outside the
            // transaction (docs/decisions/0029), so a build that fails leaves them done and the migration unrecorded.
            migrationBuilder.Sql("ALTER TABLE \"FraudReports\" ADD COLUMN IF NOT EXISTS \"Risk\" integer NOT NULL DEFAULT 0;");
            migrationBuilder.Sql("UPDATE \"FraudReports\" r SET \"Risk\" = COALESCE(t.\"RiskScore\", -1) FROM \"Transactions\" t WHERE t.\"Id\" = r.\"TransactionId\";");
            // An invalid index left by a failed concurrent build is dropped first, so the build runs again.
            migrationBuilder.Sql(FraudWeb.Data.InvalidIndex.DropSql("IX_FraudReports_Queue"));
            migrationBuilder.Sql("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IX_FraudReports_Queue\" ON \"FraudReports\" (\"Risk\" DESC, \"CreatedUtc\", \"TransactionId\") WHERE \"Status\" = 'Open';",
                suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS \"IX_FraudReports_Queue\";", suppressTransaction: true);

            migrationBuilder.DropColumn(
                name: "Risk",
                table: "FraudReports");
        }
    }
}
