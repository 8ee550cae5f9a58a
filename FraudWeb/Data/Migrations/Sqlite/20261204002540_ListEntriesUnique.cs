using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListEntriesUnique : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Copies that two analysts added at the same moment (possible until now): the earliest stays, the later
            // ones are recorded as removed, so the unique index can be built and nothing stays in force unseen.
            migrationBuilder.Sql("""
                UPDATE "RuleListEntries" SET "RemovedUtc" = "AddedUtc", "RemovedBy" = "AddedBy",
                    "RemovedReason" = 'A second copy of an earlier entry, removed when a list became one entry per value'
                WHERE "RemovedUtc" IS NULL AND EXISTS (
                    SELECT 1 FROM "RuleListEntries" AS "earlier"
                    WHERE "earlier"."ListId" = "RuleListEntries"."ListId" AND "earlier"."Value" = "RuleListEntries"."Value"
                        AND "earlier"."RemovedUtc" IS NULL AND "earlier"."Id" < "RuleListEntries"."Id");
                """);
            migrationBuilder.CreateIndex(
                name: "IX_RuleListEntries_OnTheList",
                table: "RuleListEntries",
                columns: new[] { "ListId", "Value" },
                unique: true,
                filter: "\"RemovedUtc\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RuleListEntries_OnTheList",
                table: "RuleListEntries");
        }
    }
}
