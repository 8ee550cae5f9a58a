using FraudWeb.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Data.Migrations.Sqlite;

/// <summary>
/// The outcome of a payment held for review (charged or declined after review, with the reason and when) and the
/// transactions' optimistic concurrency token. Held payments labelled before this migration were never charged, so
/// they are recorded as declined (fraud with its reason; cleared ones as not charged at the time); no card is charged
/// retroactively here.
/// </summary>
[DbContext(typeof(SqliteFraudDbContext))]
[Migration("20261122030000_HeldPaymentSettlement")]
public partial class HeldPaymentSettlement : Migration
{
    // Literals, not the domain's constants: a migration must keep doing what it did when it was written.
    private const string LegacyFraud = "Our review found that this payment was not made by the card holder.";
    private const string LegacyCleared = "Reviewed before cleared payments were charged; it was not charged.";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.AddColumn<string>(name: "Settlement", table: "Transactions", maxLength: 20, nullable: true);
        migrationBuilder.AddColumn<string>(name: "SettlementReason", table: "Transactions", maxLength: 200, nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "SettledUtc", table: "Transactions", nullable: true);
        migrationBuilder.AddColumn<Guid>(name: "RowVersion", table: "Transactions", nullable: true);

        // Standard SQL with quoted names, so the same statements run on SQLite and PostgreSQL.
        migrationBuilder.Sql(
            "UPDATE \"Transactions\" SET \"Settlement\" = 'Declined', \"SettlementReason\" = '" + LegacyFraud
            + "', \"SettledUtc\" = \"LabelledUtc\" WHERE \"Decision\" = 'Review' AND \"Label\" = 'Fraud';");
        migrationBuilder.Sql(
            "UPDATE \"Transactions\" SET \"Settlement\" = 'Declined', \"SettlementReason\" = '" + LegacyCleared
            + "', \"SettledUtc\" = \"LabelledUtc\" WHERE \"Decision\" = 'Review' AND \"Label\" = 'Legitimate';");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropColumn(name: "Settlement", table: "Transactions");
        migrationBuilder.DropColumn(name: "SettlementReason", table: "Transactions");
        migrationBuilder.DropColumn(name: "SettledUtc", table: "Transactions");
        migrationBuilder.DropColumn(name: "RowVersion", table: "Transactions");
    }
}
