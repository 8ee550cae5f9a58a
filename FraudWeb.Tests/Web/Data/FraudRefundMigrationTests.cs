using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// 20261122040000_FraudRefunds on a database with history: fraud labelled before it (seeded, or confirmed on a charged
/// payment) is not refunded retroactively, and no card balance moves.
/// </summary>
/// <remarks>The SQLite history's own file: run once, not again in the PostgreSQL pass.</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class FraudRefundMigrationTests : IDisposable
{
    private readonly MigrationDatabase _database = new();

    [Fact]
    public async Task Migrate_FraudLabelledBefore_NothingRefundedAndBalancesUnchanged()
    {
        // Arrange: the schema before the migration, a card charged 2500 for a payment already confirmed as fraud.
        await using var db = await _database.AtAsync("20261122030000_HeldPaymentSettlement", History);

        // Act
        await db.Database.MigrateAsync();

        // Assert
        var rows = await db.Transactions.AsNoTracking().OrderBy(t => t.Id).ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Null(r.RefundedUtc));
        Assert.All(rows, r => Assert.Null(r.RefundReason));
        Assert.True(rows[1].WasCharged);
        Assert.Equal(2500m, await db.Cards.Select(c => c.Balance).SingleAsync());
    }

    private static readonly string History =
        MigrationDatabase.OneCardSql(creditLimitCents: 1000000, balanceCents: 250000) +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Label, LabelledUtc, LabelledBy) VALUES " +
        "(1, 1, 1, 4000, '2026-06-02 09:00:00', 'Simulated', 'Fraud', '2026-06-02 09:00:00', 'simulator');" +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Decision, ModelVersion, Reasons, ScoringMilliseconds, RiskScore, Label, LabelledUtc, LabelledBy) VALUES " +
        "(2, 1, 1, 250000, '2026-06-02 10:00:00', 'CardHolder', 'Approved', 'gbt-1', '[]', 1.0, 10, 'Fraud', '2026-06-03 09:00:00', 'a@example.test');";

    public void Dispose() => _database.Dispose();
}
