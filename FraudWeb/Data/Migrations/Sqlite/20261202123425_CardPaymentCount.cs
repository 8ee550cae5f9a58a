using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
            // Each card's payment count, kept by the database like the hourly totals (every writer, in its own
            // transaction), so the profile's pager reads the holder's cards instead of counting their whole history.
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_CardPaymentCount_Insert" AFTER INSERT ON "Transactions" BEGIN
                UPDATE "Cards" SET "PaymentCount" = "PaymentCount" + 1 WHERE "Id" = NEW."CardId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_CardPaymentCount_Update" AFTER UPDATE OF "CardId" ON "Transactions" WHEN OLD."CardId" <> NEW."CardId" BEGIN
                UPDATE "Cards" SET "PaymentCount" = "PaymentCount" - 1 WHERE "Id" = OLD."CardId";
                UPDATE "Cards" SET "PaymentCount" = "PaymentCount" + 1 WHERE "Id" = NEW."CardId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_CardPaymentCount_Delete" AFTER DELETE ON "Transactions" BEGIN
                UPDATE "Cards" SET "PaymentCount" = "PaymentCount" - 1 WHERE "Id" = OLD."CardId";
                END;
                """);
            migrationBuilder.Sql("""
                UPDATE "Cards" SET "PaymentCount" = (SELECT count(*) FROM "Transactions" t WHERE t."CardId" = "Cards"."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_CardPaymentCount_Insert\";");
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_CardPaymentCount_Update\";");
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_CardPaymentCount_Delete\";");
            migrationBuilder.DropColumn(
                name: "PaymentCount",
                table: "Cards");
        }
    }
}
