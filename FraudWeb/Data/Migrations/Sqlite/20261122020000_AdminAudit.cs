using FraudWeb.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Data.Migrations.Sqlite;

/// <summary>
/// The append-only audit log. On SQLite, triggers refuse UPDATE and DELETE of audit rows, so even a stray SQL
/// statement cannot rewrite history; other providers get the table only (add their own trigger when they arrive).
/// </summary>
[DbContext(typeof(SqliteFraudDbContext))]
[Migration("20261122020000_AdminAudit")]
public partial class AdminAudit : Migration
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.CreateTable(
            name: "AuditEntries",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                TimestampUtc = table.Column<DateTime>(nullable: false),
                ActorId = table.Column<string>(maxLength: 450, nullable: false),
                ActorEmail = table.Column<string>(maxLength: 256, nullable: false),
                Action = table.Column<string>(maxLength: 64, nullable: false),
                TargetType = table.Column<string>(maxLength: 32, nullable: false),
                TargetId = table.Column<string>(maxLength: 450, nullable: false),
                Before = table.Column<string>(maxLength: 8000, nullable: true),
                After = table.Column<string>(maxLength: 8000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AuditEntries", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_AuditEntries_TimestampUtc", table: "AuditEntries", column: "TimestampUtc");
        migrationBuilder.CreateIndex(name: "IX_AuditEntries_TargetType_TargetId", table: "AuditEntries", columns: ["TargetType", "TargetId"]);

        if (migrationBuilder.ActiveProvider == SqliteProvider)
        {
            migrationBuilder.Sql("CREATE TRIGGER AuditEntries_NoUpdate BEFORE UPDATE ON AuditEntries BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;");
            migrationBuilder.Sql("CREATE TRIGGER AuditEntries_NoDelete BEFORE DELETE ON AuditEntries BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        if (migrationBuilder.ActiveProvider == SqliteProvider)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoDelete;");
        }
        migrationBuilder.DropTable(name: "AuditEntries");
    }
}
