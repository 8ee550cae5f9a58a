using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CardLast4Index : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Built without blocking the cards' writes, outside a transaction (docs/decisions/0029); the model
            // configures the same index (CardConfiguration). An invalid index left by a failed concurrent build is
            // dropped first, so the build runs again.
            migrationBuilder.Sql(FraudWeb.Data.InvalidIndex.DropSql("IX_Cards_Last4"));
            migrationBuilder.Sql("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IX_Cards_Last4\" ON \"Cards\" (\"Last4\");", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS \"IX_Cards_Last4\";", suppressTransaction: true);
        }
    }
}
