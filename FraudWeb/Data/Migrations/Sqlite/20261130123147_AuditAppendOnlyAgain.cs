using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditAppendOnlyAgain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // PrivateAuditAndPerHolderCards rebuilt AuditEntries (dropping ActorEmail), which drops its triggers: put the
            // append-only guard back on the rebuilt table.
            System.ArgumentNullException.ThrowIfNull(migrationBuilder);
            if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
            {
                migrationBuilder.Sql("CREATE TRIGGER IF NOT EXISTS AuditEntries_NoUpdate BEFORE UPDATE ON AuditEntries BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;");
                migrationBuilder.Sql("CREATE TRIGGER IF NOT EXISTS AuditEntries_NoDelete BEFORE DELETE ON AuditEntries BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing: the triggers belong to the table; the migration before this one's Down leaves them lifted.
        }
    }
}
