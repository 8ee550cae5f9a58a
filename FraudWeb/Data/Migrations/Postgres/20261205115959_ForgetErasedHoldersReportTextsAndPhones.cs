using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ForgetErasedHoldersReportTextsAndPhones : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Data only (no schema change): what the erasure does since 2026-12-05, done for holders erased before it.
            // A report's free text of an erased holder (docs/decisions/0024): the marker FraudReport.ErasedReason, the
            // row version left alone as the erasure leaves it.
            migrationBuilder.Sql("""
                UPDATE "FraudReports" SET "Reason" = '(erased with the card holder''s account)'
                WHERE "Reason" <> '(erased with the card holder''s account)'
                  AND "CardId" IN (SELECT c."Id" FROM "Cards" c JOIN "CardHolders" h ON h."Id" = c."CardHolderId"
                                   WHERE h."UserId" IS NULL AND h."IsSimulated" = FALSE);
                """);
            // The account's copy of the phone number follows the holder's, as an edit now keeps it.
            migrationBuilder.Sql("""
                UPDATE "AspNetUsers" SET "PhoneNumber" = (SELECT h."PhoneNumber" FROM "CardHolders" h WHERE h."UserId" = "AspNetUsers"."Id")
                WHERE EXISTS (SELECT 1 FROM "CardHolders" h WHERE h."UserId" = "AspNetUsers"."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The erased words are gone and the old phone copies were stale: nothing to put back.
        }
    }
}
