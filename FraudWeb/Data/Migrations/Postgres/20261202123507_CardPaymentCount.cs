using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CardPaymentCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "PaymentCount",
                table: "Cards",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
            // Each card's payment count, kept by the database like the hourly totals (every writer on every instance, in
            // its own transaction), so the profile's pager reads the holder's cards instead of counting their history.
            migrationBuilder.Sql("""
                CREATE FUNCTION "Transactions_CardPaymentCount"() RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN
                  IF TG_OP = 'UPDATE' AND OLD."CardId" = NEW."CardId" THEN
                    RETURN NULL;
                  END IF;
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    UPDATE "Cards" SET "PaymentCount" = "PaymentCount" - 1 WHERE "Id" = OLD."CardId";
                  END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    UPDATE "Cards" SET "PaymentCount" = "PaymentCount" + 1 WHERE "Id" = NEW."CardId";
                  END IF;
                  RETURN NULL;
                END
                $body$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_CardPaymentCount" AFTER INSERT OR DELETE OR UPDATE OF "CardId" ON "Transactions"
                FOR EACH ROW EXECUTE FUNCTION "Transactions_CardPaymentCount"();
                """);
            migrationBuilder.Sql("""
                UPDATE "Cards" c SET "PaymentCount" = (SELECT count(*) FROM "Transactions" t WHERE t."CardId" = c."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_CardPaymentCount\" ON \"Transactions\";");
            migrationBuilder.Sql("DROP FUNCTION \"Transactions_CardPaymentCount\"();");
            migrationBuilder.DropColumn(
                name: "PaymentCount",
                table: "Cards");
        }
    }
}
