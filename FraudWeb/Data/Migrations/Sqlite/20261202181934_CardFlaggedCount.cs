using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
            // How many of each card's payments are flagged (stopped or confirmed fraud: the filter of the flagged index,
            // CardTransactionConfiguration.FlaggedIndexFilter), kept like its payment count, so the profile knows without
            // a statement whether its holder has anything stopped or confirmed (docs/decisions/0014).
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_CardFlaggedCount_Insert" AFTER INSERT ON "Transactions" WHEN (NEW."Decision" IN ('Declined', 'Review') OR NEW."Label" = 'Fraud') BEGIN
                UPDATE "Cards" SET "FlaggedCount" = "FlaggedCount" + 1 WHERE "Id" = NEW."CardId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_CardFlaggedCount_Update" AFTER UPDATE OF "CardId", "Decision", "Label" ON "Transactions"
                WHEN OLD."CardId" <> NEW."CardId" OR coalesce((OLD."Decision" IN ('Declined', 'Review') OR OLD."Label" = 'Fraud'), 0) <> coalesce((NEW."Decision" IN ('Declined', 'Review') OR NEW."Label" = 'Fraud'), 0) BEGIN
                UPDATE "Cards" SET "FlaggedCount" = "FlaggedCount" - 1 WHERE "Id" = OLD."CardId" AND (OLD."Decision" IN ('Declined', 'Review') OR OLD."Label" = 'Fraud');
                UPDATE "Cards" SET "FlaggedCount" = "FlaggedCount" + 1 WHERE "Id" = NEW."CardId" AND (NEW."Decision" IN ('Declined', 'Review') OR NEW."Label" = 'Fraud');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Transactions_CardFlaggedCount_Delete" AFTER DELETE ON "Transactions" WHEN (OLD."Decision" IN ('Declined', 'Review') OR OLD."Label" = 'Fraud') BEGIN
                UPDATE "Cards" SET "FlaggedCount" = "FlaggedCount" - 1 WHERE "Id" = OLD."CardId";
                END;
                """);
            migrationBuilder.Sql("""
                UPDATE "Cards" SET "FlaggedCount" = (SELECT count(*) FROM "Transactions" t WHERE t."CardId" = "Cards"."Id" AND (t."Decision" IN ('Declined', 'Review') OR t."Label" = 'Fraud'));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_CardFlaggedCount_Insert\";");
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_CardFlaggedCount_Update\";");
            migrationBuilder.Sql("DROP TRIGGER \"Transactions_CardFlaggedCount_Delete\";");
            migrationBuilder.DropColumn(
                name: "FlaggedCount",
                table: "Cards");
        }
    }
}
