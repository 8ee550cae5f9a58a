using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PaymentInsertTriggerPerStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // New payments update the hourly totals and their cards' counts once per statement, grouped, instead of
            // three row triggers per payment: the writer inserts a batch as one statement (bench/README.md, "Where the
            // time goes now"). Changes and deletions stay with the row triggers.
            migrationBuilder.Sql("""
                CREATE FUNCTION "Transactions_Inserted"() RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN
                  INSERT INTO "CardSpendHours" AS h ("CardId", "HourUtc", "Count", "Amount")
                    SELECT n."CardId", date_trunc('hour', n."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), sum(n."Amount") FROM new_rows n
                    WHERE (n."Decision" IS NULL OR (n."Decision" <> 'Declined' AND (n."Settlement" IS NULL OR n."Settlement" <> 'Declined')))
                    GROUP BY 1, 2
                  ON CONFLICT ("CardId", "HourUtc") DO UPDATE SET "Count" = h."Count" + EXCLUDED."Count", "Amount" = h."Amount" + EXCLUDED."Amount";
                  INSERT INTO "TerminalHours" AS h ("TerminalId", "HourUtc", "Count", "FraudCount")
                    SELECT n."TerminalId", date_trunc('hour', n."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), count(*) FILTER (WHERE n."Label" = 'Fraud') FROM new_rows n
                    GROUP BY 1, 2
                  ON CONFLICT ("TerminalId", "HourUtc") DO UPDATE SET "Count" = h."Count" + EXCLUDED."Count", "FraudCount" = h."FraudCount" + EXCLUDED."FraudCount";
                  UPDATE "Cards" c SET "PaymentCount" = c."PaymentCount" + s.n, "FlaggedCount" = c."FlaggedCount" + s.f
                    FROM (SELECT "CardId", count(*) AS n, count(*) FILTER (WHERE "Decision" IN ('Declined', 'Review') OR "Label" = 'Fraud') AS f FROM new_rows GROUP BY 1) s
                    WHERE c."Id" = s."CardId";
                  RETURN NULL;
                END
                $body$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_Inserted" AFTER INSERT ON "Transactions" REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION "Transactions_Inserted"();
                """);
            Recreate(migrationBuilder, "AFTER DELETE OR UPDATE");
        }

        /// <summary>The three row triggers, on <paramref name="events"/> plus each one's columns.</summary>
        private static void Recreate(MigrationBuilder migrationBuilder, string events)
        {
            migrationBuilder.Sql($"""
                DROP TRIGGER "Transactions_HourlyTotals" ON "Transactions";
                CREATE TRIGGER "Transactions_HourlyTotals" {events} OF "CardId", "TerminalId", "Amount", "TimestampUtc", "Decision", "Settlement", "Label" ON "Transactions"
                FOR EACH ROW EXECUTE FUNCTION "Transactions_HourlyTotals"();
                DROP TRIGGER "Transactions_CardPaymentCount" ON "Transactions";
                CREATE TRIGGER "Transactions_CardPaymentCount" {events} OF "CardId" ON "Transactions"
                FOR EACH ROW EXECUTE FUNCTION "Transactions_CardPaymentCount"();
                DROP TRIGGER "Transactions_CardFlaggedCount" ON "Transactions";
                CREATE TRIGGER "Transactions_CardFlaggedCount" {events} OF "CardId", "Decision", "Label" ON "Transactions"
                FOR EACH ROW EXECUTE FUNCTION "Transactions_CardFlaggedCount"();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "Transactions_Inserted" ON "Transactions";
                DROP FUNCTION "Transactions_Inserted"();
                """);
            Recreate(migrationBuilder, "AFTER INSERT OR DELETE OR UPDATE");
        }
    }
}
