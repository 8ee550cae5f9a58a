using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RetrainingOneQueued : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Runs queued twice by the race this index closes: the oldest waits, the others end as merged into it.
            migrationBuilder.Sql("""
                UPDATE "RetrainingRuns" SET "Status" = 'Failed', "Error" = 'Merged into an earlier queued run.', "FinishedUtc" = "RequestedUtc"
                WHERE "Status" = 'Queued' AND "Id" <> (SELECT MIN("Id") FROM "RetrainingRuns" WHERE "Status" = 'Queued');
                """);
            migrationBuilder.CreateIndex(
                name: "IX_RetrainingRuns_OneQueued",
                table: "RetrainingRuns",
                column: "Status",
                unique: true,
                filter: "\"Status\" = 'Queued'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RetrainingRuns_OneQueued",
                table: "RetrainingRuns");
        }
    }
}
