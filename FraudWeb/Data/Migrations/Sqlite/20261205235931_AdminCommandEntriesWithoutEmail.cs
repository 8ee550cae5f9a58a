using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <summary>
    /// The create-admin command's entries named the new administrator's email address, in the append-only log where no
    /// erasure could reach it (ADR 0004): the address is taken out; the entry keeps its ids, roles and flag.
    /// </summary>
    public partial class AdminCommandEntriesWithoutEmail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            System.ArgumentNullException.ThrowIfNull(migrationBuilder);
            // The append-only guard is lifted for this one rewrite, then put back, in the migration's transaction.
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoUpdate;");
            migrationBuilder.Sql("UPDATE AuditEntries SET After = json_remove(After, '$.Email') WHERE Action = 'user.create-admin' AND json_valid(After);");
            migrationBuilder.Sql("CREATE TRIGGER IF NOT EXISTS AuditEntries_NoUpdate BEFORE UPDATE ON AuditEntries BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing: the addresses are gone for good, as erasure means.
        }
    }
}
