using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// 20261122030000_HeldPaymentSettlement on a database with history: held payments decided before it (never charged)
/// get an outcome, undecided ones stay in the queue, other payments are untouched.
/// </summary>
/// <remarks>The SQLite history's own file: run once, not again in the PostgreSQL pass.</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class HeldPaymentMigrationTests : IDisposable
{
    private readonly MigrationDatabase _database = new();

    [Fact]
    public async Task Migrate_HeldPaymentsLabelledBefore_RecordedDeclinedAndUndecidedStayHeld()
    {
        // Arrange: the schema before the migration, with one card and four payments.
        await using var db = await _database.AtAsync("20261122020000_AdminAudit", History);

        // Act
        await db.Database.MigrateAsync();

        // Assert
        var rows = await db.Transactions.AsNoTracking().OrderBy(t => t.Id).ToListAsync();
        Assert.Equal(ReviewSettlement.Declined, rows[0].Settlement);
        Assert.Equal(DeclineReasons.ConfirmedFraud, rows[0].SettlementReason);
        Assert.Equal(rows[0].LabelledUtc, rows[0].SettledUtc);
        Assert.Equal(ReviewSettlement.Declined, rows[1].Settlement);
        Assert.Contains("not charged", rows[1].SettlementReason, StringComparison.Ordinal);
        Assert.True(rows[2].IsAwaitingReview);
        Assert.Null(rows[3].Settlement);
        Assert.All(rows, r => Assert.Null(r.RowVersion));
        Assert.Equal(0m, await db.Cards.Select(c => c.Balance).SingleAsync());
    }

    private static readonly string History =
        MigrationDatabase.OneCardSql(creditLimitCents: 100000, balanceCents: 0) +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Decision, ModelVersion, Reasons, ScoringMilliseconds, RiskScore, Label, LabelledUtc, LabelledBy) VALUES " +
        "(1, 1, 1, 2500, '2026-06-02 10:00:00', 'CardHolder', 'Review', 'gbt-1', '[]', 1.0, 70, 'Fraud', '2026-06-03 09:00:00', 'a@example.test')," +
        "(2, 1, 1, 2500, '2026-06-02 11:00:00', 'CardHolder', 'Review', 'gbt-1', '[]', 1.0, 70, 'Legitimate', '2026-06-03 09:30:00', 'a@example.test')," +
        "(3, 1, 1, 2500, '2026-06-02 12:00:00', 'CardHolder', 'Review', 'gbt-1', '[]', 1.0, 70, 'Unknown', NULL, NULL)," +
        "(4, 1, 1, 2500, '2026-06-02 13:00:00', 'CardHolder', 'Approved', 'gbt-1', '[]', 1.0, 10, 'Legitimate', '2026-06-03 10:00:00', 'a@example.test');";

    public void Dispose() => _database.Dispose();
}
