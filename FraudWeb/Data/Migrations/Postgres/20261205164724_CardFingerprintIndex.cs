using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CardFingerprintIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Built without blocking the cards' writes, outside a transaction (docs/decisions/0029); the model
            // configures the same index (CardConfiguration).
            // A concurrent build that failed (cancelled, a deadlock, a unique violation) leaves an invalid index of this name,
            // which IF NOT EXISTS would keep for good: it is dropped first, so the build runs again.
            migrationBuilder.Sql(FraudWeb.Data.InvalidIndex.DropSql("IX_Cards_Fingerprint"));
            migrationBuilder.Sql("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IX_Cards_Fingerprint\" ON \"Cards\" (\"Fingerprint\");", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS \"IX_Cards_Fingerprint\";", suppressTransaction: true);
        }
    }
}
