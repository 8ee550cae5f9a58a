using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReviewQueueOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Built without blocking the table's writes (a running instance keeps taking payments while it builds), which
            // PostgreSQL does only outside a transaction; IF NOT EXISTS as the index may be there from a build retried
            // (docs/decisions/0029). The model configures the same index (CardTransactionConfiguration).
            // A concurrent build that failed (cancelled, a deadlock, a unique violation) leaves an invalid index of this name,
            // which IF NOT EXISTS would keep for good: it is dropped first, so the build runs again.
            migrationBuilder.Sql(FraudWeb.Data.InvalidIndex.DropSql("IX_Transactions_ReviewQueue"));
            migrationBuilder.Sql(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IX_Transactions_ReviewQueue\" ON \"Transactions\" (\"RiskScore\" DESC) WHERE \"Decision\" = 'Review' AND \"Label\" = 'Unknown';",
                suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS \"IX_Transactions_ReviewQueue\";", suppressTransaction: true);
        }
    }
}
