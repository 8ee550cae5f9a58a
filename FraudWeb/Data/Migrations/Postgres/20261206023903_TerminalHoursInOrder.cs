using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TerminalHoursInOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The hourly totals of a batch upserted in key order. A merchant's hours are shared by every card, so two
            // instances' writers whose batches met two busy merchants in the same hour took those rows' locks in the
            // hash aggregate's order, which differs with the batch, and deadlocked (PostgreSQL aborted one after a
            // second; the batch was written again one payment at a time). In one order, one waits for the other.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION "Transactions_Inserted"() RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN
                  INSERT INTO "CardSpendHours" AS h ("CardId", "HourUtc", "Count", "Amount")
                    SELECT n."CardId", date_trunc('hour', n."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), sum(n."Amount") FROM new_rows n
                    WHERE (n."Decision" IS NULL OR (n."Decision" <> 'Declined' AND (n."Settlement" IS NULL OR n."Settlement" <> 'Declined')))
                    GROUP BY 1, 2 ORDER BY 1, 2
                  ON CONFLICT ("CardId", "HourUtc") DO UPDATE SET "Count" = h."Count" + EXCLUDED."Count", "Amount" = h."Amount" + EXCLUDED."Amount";
                  INSERT INTO "TerminalHours" AS h ("TerminalId", "HourUtc", "Count", "FraudCount")
                    SELECT n."TerminalId", date_trunc('hour', n."TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), count(*) FILTER (WHERE n."Label" = 'Fraud') FROM new_rows n
                    GROUP BY 1, 2 ORDER BY 1, 2
                  ON CONFLICT ("TerminalId", "HourUtc") DO UPDATE SET "Count" = h."Count" + EXCLUDED."Count", "FraudCount" = h."FraudCount" + EXCLUDED."FraudCount";
                  UPDATE "Cards" c SET "PaymentCount" = c."PaymentCount" + s.n, "FlaggedCount" = c."FlaggedCount" + s.f
                    FROM (SELECT "CardId", count(*) AS n, count(*) FILTER (WHERE "Decision" IN ('Declined', 'Review') OR "Label" = 'Fraud') AS f FROM new_rows GROUP BY 1) s
                    WHERE c."Id" = s."CardId";
                  RETURN NULL;
                END
                $body$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION "Transactions_Inserted"() RETURNS trigger LANGUAGE plpgsql AS $body$
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
        }
    }
}
