using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PrivateAuditAndPerHolderCards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            System.ArgumentNullException.ThrowIfNull(migrationBuilder);
            var sqlite = migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite";
            if (sqlite)
            {
                // The append-only triggers are lifted for this one rewrite (ADR 0004); AuditAppendOnlyAgain puts them back
                // (the column drop rebuilds the table after every statement here, so they must come in a later migration).
                migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoUpdate;");
                migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoDelete;");
                // Strip personal data from existing entries: creation keeps its roles, editing keeps which fields changed.
                migrationBuilder.Sql(
                    "UPDATE AuditEntries SET After = json_object('Roles', json(ifnull(json_extract(After, '$.Roles'), '[]')), 'HasProfile', json('true')) " +
                    "WHERE Action = 'user.create' AND json_valid(After);");
                migrationBuilder.Sql(
                    "UPDATE AuditEntries SET " +
                    "After = json_object('Changed', (SELECT json_group_array(a.key) FROM json_each(AuditEntries.After) a " +
                    "WHERE AuditEntries.Before IS NULL OR NOT json_valid(AuditEntries.Before) " +
                    "OR a.value IS NOT (SELECT b.value FROM json_each(AuditEntries.Before) b WHERE b.key = a.key))), " +
                    "Before = json_object('HadProfile', json(CASE WHEN Before IS NULL THEN 'false' ELSE 'true' END)) " +
                    "WHERE Action = 'user.edit' AND json_valid(After);");
                // A payment may hold one open report: earlier double submissions keep their first report.
                migrationBuilder.Sql(
                    "DELETE FROM FraudReports WHERE Status = 'Open' AND EXISTS (SELECT 1 FROM FraudReports f " +
                    "WHERE f.TransactionId = FraudReports.TransactionId AND f.Status = 'Open' AND f.Id < FraudReports.Id);");
            }

            migrationBuilder.DropIndex(
                name: "IX_Cards_CardHolderId",
                table: "Cards");

            migrationBuilder.DropIndex(
                name: "IX_Cards_Fingerprint",
                table: "Cards");

            migrationBuilder.DropColumn(
                name: "ActorEmail",
                table: "AuditEntries");

            migrationBuilder.CreateIndex(
                name: "IX_FraudReports_TransactionId_Open",
                table: "FraudReports",
                column: "TransactionId",
                unique: true,
                filter: "\"Status\" = 'Open'");

            migrationBuilder.CreateIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards",
                columns: new[] { "CardHolderId", "Fingerprint" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ActorId",
                table: "AuditEntries",
                column: "ActorId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Down restores the schema only: stripped personal data is gone for good, and a card held by two holders
            // makes the old global unique index fail (remove one of them first).
            System.ArgumentNullException.ThrowIfNull(migrationBuilder);
            migrationBuilder.DropIndex(
                name: "IX_FraudReports_TransactionId_Open",
                table: "FraudReports");

            migrationBuilder.DropIndex(
                name: "IX_Cards_CardHolderId_Fingerprint",
                table: "Cards");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_ActorId",
                table: "AuditEntries");

            migrationBuilder.AddColumn<string>(
                name: "ActorEmail",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Cards_CardHolderId",
                table: "Cards",
                column: "CardHolderId");

            migrationBuilder.CreateIndex(
                name: "IX_Cards_Fingerprint",
                table: "Cards",
                column: "Fingerprint",
                unique: true);
        }
    }
}
