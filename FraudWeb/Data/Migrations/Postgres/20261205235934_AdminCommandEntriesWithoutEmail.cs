using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
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
            migrationBuilder.Sql("""
                ALTER TABLE "AuditEntries" DISABLE TRIGGER "AuditEntries_NoChange";
                UPDATE "AuditEntries" SET "After" = ("After"::jsonb - 'Email')::text WHERE "Action" = 'user.create-admin' AND "After" LIKE '%"Email"%';
                ALTER TABLE "AuditEntries" ENABLE TRIGGER "AuditEntries_NoChange";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing: the addresses are gone for good, as erasure means.
        }
    }
}
