using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HourlyFeatureTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CardSpendHours",
                columns: table => new
                {
                    CardId = table.Column<long>(type: "INTEGER", nullable: false),
                    HourUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CardSpendHours", x => new { x.CardId, x.HourUtc });
                    table.ForeignKey(
                        name: "FK_CardSpendHours_Cards_CardId",
                        column: x => x.CardId,
                        principalTable: "Cards",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TerminalHours",
                columns: table => new
                {
                    TerminalId = table.Column<long>(type: "INTEGER", nullable: false),
                    HourUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    FraudCount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TerminalHours", x => new { x.TerminalId, x.HourUtc });
                    table.ForeignKey(
                        name: "FK_TerminalHours_Terminals_TerminalId",
                        column: x => x.TerminalId,
                        principalTable: "Terminals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // The hourly totals the online features read (PaymentFeatures), kept by the database itself so that every
            // writer (payments, reviews, labels, seeding, deletes) keeps them in its own transaction.
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_HourlyTotals_Insert" AFTER INSERT ON "Transactions" BEGIN
                INSERT INTO "CardSpendHours" ("CardId", "HourUtc", "Count", "Amount")
                  SELECT NEW."CardId", substr(NEW."TimestampUtc", 1, 13) || ':00:00', 1, NEW."Amount" WHERE (NEW."Decision" IS NULL OR (NEW."Decision" <> 'Declined' AND (NEW."Settlement" IS NULL OR NEW."Settlement" <> 'Declined')))
                  ON CONFLICT ("CardId", "HourUtc") DO UPDATE SET "Count" = "Count" + 1, "Amount" = "Amount" + excluded."Amount";
                INSERT INTO "TerminalHours" ("TerminalId", "HourUtc", "Count", "FraudCount")
                  VALUES (NEW."TerminalId", substr(NEW."TimestampUtc", 1, 13) || ':00:00', 1, NEW."Label" = 'Fraud')
                  ON CONFLICT ("TerminalId", "HourUtc") DO UPDATE SET "Count" = "Count" + 1, "FraudCount" = "FraudCount" + excluded."FraudCount";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_HourlyTotals_Update" AFTER UPDATE OF "CardId", "TerminalId", "Amount", "TimestampUtc", "Decision", "Settlement", "Label" ON "Transactions" BEGIN
                UPDATE "CardSpendHours" SET "Count" = "Count" - 1, "Amount" = "Amount" - OLD."Amount"
                  WHERE "CardId" = OLD."CardId" AND "HourUtc" = substr(OLD."TimestampUtc", 1, 13) || ':00:00' AND (OLD."Decision" IS NULL OR (OLD."Decision" <> 'Declined' AND (OLD."Settlement" IS NULL OR OLD."Settlement" <> 'Declined')));
                UPDATE "TerminalHours" SET "Count" = "Count" - 1, "FraudCount" = "FraudCount" - (OLD."Label" = 'Fraud')
                  WHERE "TerminalId" = OLD."TerminalId" AND "HourUtc" = substr(OLD."TimestampUtc", 1, 13) || ':00:00';
                INSERT INTO "CardSpendHours" ("CardId", "HourUtc", "Count", "Amount")
                  SELECT NEW."CardId", substr(NEW."TimestampUtc", 1, 13) || ':00:00', 1, NEW."Amount" WHERE (NEW."Decision" IS NULL OR (NEW."Decision" <> 'Declined' AND (NEW."Settlement" IS NULL OR NEW."Settlement" <> 'Declined')))
                  ON CONFLICT ("CardId", "HourUtc") DO UPDATE SET "Count" = "Count" + 1, "Amount" = "Amount" + excluded."Amount";
                INSERT INTO "TerminalHours" ("TerminalId", "HourUtc", "Count", "FraudCount")
                  VALUES (NEW."TerminalId", substr(NEW."TimestampUtc", 1, 13) || ':00:00', 1, NEW."Label" = 'Fraud')
                  ON CONFLICT ("TerminalId", "HourUtc") DO UPDATE SET "Count" = "Count" + 1, "FraudCount" = "FraudCount" + excluded."FraudCount";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_HourlyTotals_Delete" AFTER DELETE ON "Transactions" BEGIN
                UPDATE "CardSpendHours" SET "Count" = "Count" - 1, "Amount" = "Amount" - OLD."Amount"
                  WHERE "CardId" = OLD."CardId" AND "HourUtc" = substr(OLD."TimestampUtc", 1, 13) || ':00:00' AND (OLD."Decision" IS NULL OR (OLD."Decision" <> 'Declined' AND (OLD."Settlement" IS NULL OR OLD."Settlement" <> 'Declined')));
                UPDATE "TerminalHours" SET "Count" = "Count" - 1, "FraudCount" = "FraudCount" - (OLD."Label" = 'Fraud')
                  WHERE "TerminalId" = OLD."TerminalId" AND "HourUtc" = substr(OLD."TimestampUtc", 1, 13) || ':00:00';
                END;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "CardSpendHours" ("CardId", "HourUtc", "Count", "Amount")
                  SELECT t."CardId", substr(t."TimestampUtc", 1, 13) || ':00:00', count(*), sum(t."Amount") FROM "Transactions" t WHERE (t."Decision" IS NULL OR (t."Decision" <> 'Declined' AND (t."Settlement" IS NULL OR t."Settlement" <> 'Declined'))) GROUP BY 1, 2;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "TerminalHours" ("TerminalId", "HourUtc", "Count", "FraudCount")
                  SELECT t."TerminalId", substr(t."TimestampUtc", 1, 13) || ':00:00', count(*), sum(t."Label" = 'Fraud') FROM "Transactions" t GROUP BY 1, 2;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_HourlyTotals_Insert\";");
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_HourlyTotals_Update\";");
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_HourlyTotals_Delete\";");

            migrationBuilder.DropTable(
                name: "CardSpendHours");

            migrationBuilder.DropTable(
                name: "TerminalHours");
        }
    }
}
