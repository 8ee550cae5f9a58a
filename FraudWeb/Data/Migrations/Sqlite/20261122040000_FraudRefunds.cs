using FraudWeb.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Data.Migrations.Sqlite;

/// <summary>
/// When and why a charged payment confirmed as fraud was credited back to the card. Schema only: no balance changes
/// here. Seeded history (no verdict) was never charged through the app, and fraud confirmed before refunds existed is
/// left as it was; only analyst confirmations from now on refund (a new "not me" report can still settle an old one).
/// </summary>
[DbContext(typeof(SqliteFraudDbContext))]
[Migration("20261122040000_FraudRefunds")]
public partial class FraudRefunds : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.AddColumn<DateTime>(name: "RefundedUtc", table: "Transactions", nullable: true);
        migrationBuilder.AddColumn<string>(name: "RefundReason", table: "Transactions", maxLength: 200, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropColumn(name: "RefundedUtc", table: "Transactions");
        migrationBuilder.DropColumn(name: "RefundReason", table: "Transactions");
    }
}
