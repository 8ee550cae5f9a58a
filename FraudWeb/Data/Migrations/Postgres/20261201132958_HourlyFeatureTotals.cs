using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
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
                    CardId = table.Column<long>(type: "bigint", nullable: false),
                    HourUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false)
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
                    TerminalId = table.Column<long>(type: "bigint", nullable: false),
                    HourUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    FraudCount = table.Column<long>(type: "bigint", nullable: false)
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
            // writer (payments, reviews, labels, seeding, deletes, on every instance) keeps them in its own transaction.
            migrationBuilder.Sql("""
                CREATE FUNCTION "Transactions_HourlyTotals"() RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    IF (OLD."Decision" IS NULL OR (OLD."Decision" <> 'Declined' AND (OLD."Settlement" IS NULL OR OLD."Settlement" <> 'Declined'))) THEN
                      UPDATE "CardSpendHours" SET "Count" = "Count" - 1, "Amount" = "Amount" - OLD."Amount"
                      WHERE "CardId" = OLD."CardId" AND "HourUtc" = date_trunc('hour', OLD."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
                    END IF;
                    UPDATE "TerminalHours" SET "Count" = "Count" - 1, "FraudCount" = "FraudCount" - (CASE WHEN OLD."Label" = 'Fraud' THEN 1 ELSE 0 END)
                    WHERE "TerminalId" = OLD."TerminalId" AND "HourUtc" = date_trunc('hour', OLD."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
                  END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    IF (NEW."Decision" IS NULL OR (NEW."Decision" <> 'Declined' AND (NEW."Settlement" IS NULL OR NEW."Settlement" <> 'Declined'))) THEN
                      INSERT INTO "CardSpendHours" AS h ("CardId", "HourUtc", "Count", "Amount") VALUES (NEW."CardId", date_trunc('hour', NEW."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 1, NEW."Amount")
                      ON CONFLICT ("CardId", "HourUtc") DO UPDATE SET "Count" = h."Count" + 1, "Amount" = h."Amount" + EXCLUDED."Amount";
                    END IF;
                    INSERT INTO "TerminalHours" AS h ("TerminalId", "HourUtc", "Count", "FraudCount")
                    VALUES (NEW."TerminalId", date_trunc('hour', NEW."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 1, CASE WHEN NEW."Label" = 'Fraud' THEN 1 ELSE 0 END)
                    ON CONFLICT ("TerminalId", "HourUtc") DO UPDATE SET "Count" = h."Count" + 1, "FraudCount" = h."FraudCount" + EXCLUDED."FraudCount";
                  END IF;
                  RETURN NULL;
                END
                $body$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_HourlyTotals" AFTER INSERT OR DELETE OR UPDATE OF "CardId", "TerminalId", "Amount", "TimestampUtc", "Decision", "Settlement", "Label" ON "Transactions"
                FOR EACH ROW EXECUTE FUNCTION "Transactions_HourlyTotals"();
                """);
            migrationBuilder.Sql("""
                INSERT INTO "CardSpendHours" ("CardId", "HourUtc", "Count", "Amount")
                  SELECT t."CardId", date_trunc('hour', t."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), sum(t."Amount") FROM "Transactions" t WHERE (t."Decision" IS NULL OR (t."Decision" <> 'Declined' AND (t."Settlement" IS NULL OR t."Settlement" <> 'Declined'))) GROUP BY 1, 2;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "TerminalHours" ("TerminalId", "HourUtc", "Count", "FraudCount")
                  SELECT t."TerminalId", date_trunc('hour', t."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), count(*) FILTER (WHERE t."Label" = 'Fraud') FROM "Transactions" t GROUP BY 1, 2;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_HourlyTotals\" ON \"Transactions\";");
            migrationBuilder.Sql("DROP FUNCTION \"Transactions_HourlyTotals\"();");

            migrationBuilder.DropTable(
                name: "CardSpendHours");

            migrationBuilder.DropTable(
                name: "TerminalHours");
        }
    }
}
