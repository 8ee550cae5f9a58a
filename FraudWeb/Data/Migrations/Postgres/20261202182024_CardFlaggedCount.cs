using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CardFlaggedCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "FlaggedCount",
                table: "Cards",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
            // How many of each card's payments are flagged (stopped or confirmed fraud: the filter of the flagged index,
            // CardTransactionConfiguration.FlaggedIndexFilter), kept like its payment count, so the profile knows without
            // a statement whether its holder has anything stopped or confirmed (docs/decisions/0014).
            migrationBuilder.Sql("""
                CREATE FUNCTION "Transactions_CardFlaggedCount"() RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN
                  IF TG_OP = 'UPDATE' AND OLD."CardId" = NEW."CardId"
                     AND coalesce((OLD."Decision" IN ('Declined', 'Review') OR OLD."Label" = 'Fraud'), false) = coalesce((NEW."Decision" IN ('Declined', 'Review') OR NEW."Label" = 'Fraud'), false) THEN
                    RETURN NULL;
                  END IF;
                  IF TG_OP IN ('UPDATE', 'DELETE') AND (OLD."Decision" IN ('Declined', 'Review') OR OLD."Label" = 'Fraud') THEN
                    UPDATE "Cards" SET "FlaggedCount" = "FlaggedCount" - 1 WHERE "Id" = OLD."CardId";
                  END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') AND (NEW."Decision" IN ('Declined', 'Review') OR NEW."Label" = 'Fraud') THEN
                    UPDATE "Cards" SET "FlaggedCount" = "FlaggedCount" + 1 WHERE "Id" = NEW."CardId";
                  END IF;
                  RETURN NULL;
                END
                $body$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_CardFlaggedCount" AFTER INSERT OR DELETE OR UPDATE OF "CardId", "Decision", "Label" ON "Transactions"
                FOR EACH ROW EXECUTE FUNCTION "Transactions_CardFlaggedCount"();
                """);
            migrationBuilder.Sql("""
                UPDATE "Cards" c SET "FlaggedCount" = (SELECT count(*) FROM "Transactions" t WHERE t."CardId" = c."Id" AND (t."Decision" IN ('Declined', 'Review') OR t."Label" = 'Fraud'));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_CardFlaggedCount\" ON \"Transactions\";");
            migrationBuilder.Sql("DROP FUNCTION \"Transactions_CardFlaggedCount\"();");
            migrationBuilder.DropColumn(
                name: "FlaggedCount",
                table: "Cards");
        }
    }
}
