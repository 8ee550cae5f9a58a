using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// 20261201132952_HourlyFeatureTotals and 20261201151023_FraudReportCard on a database with history: the hourly totals
/// are filled from the existing payments (spend only for the card, frauds for the terminal), and existing reports take
/// their payment's card.
/// </summary>
/// <remarks>The SQLite history's own file: run once, not again in the PostgreSQL pass.</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class HourlyTotalsMigrationTests : IDisposable
{
    private readonly MigrationDatabase _database = new();

    [Fact]
    public async Task Migrate_ExistingPaymentsAndReports_TotalsFilledAndReportsKnowTheirCard()
    {
        // Arrange: the schema before both migrations, with one card, four payments in two hours and a report.
        await using var db = await _database.AtAsync("20261201105329_ModelUnusableAndRetrainingRetries", History);

        // Act
        await db.Database.MigrateAsync();

        // Assert
        var card = await db.CardSpendHours.AsNoTracking().OrderBy(h => h.HourUtc).Select(h => new { h.HourUtc, h.Count, h.Amount }).ToListAsync();
        Assert.Equal([new DateTime(2026, 6, 2, 10, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 2, 11, 0, 0, DateTimeKind.Utc)], card.Select(h => h.HourUtc));
        Assert.Equal([2L, 1L], card.Select(h => h.Count));
        Assert.Equal([35m, 40m], card.Select(h => h.Amount));
        var terminal = await db.TerminalHours.AsNoTracking().OrderBy(h => h.HourUtc).Select(h => new { h.Count, h.FraudCount }).ToListAsync();
        Assert.Equal([3L, 1L], terminal.Select(h => h.Count));
        Assert.Equal([1L, 0L], terminal.Select(h => h.FraudCount));
        Assert.Equal(1L, await db.FraudReports.Select(r => r.CardId).SingleAsync());

        // Act and assert: the triggers keep them from now on (a label moves a fraud, a new payment adds to its hour)
        await db.Database.ExecuteSqlRawAsync("UPDATE Transactions SET Label = 'Legitimate' WHERE Id = 1");
        await db.Database.ExecuteSqlRawAsync("UPDATE Transactions SET Label = 'Fraud' WHERE Id = 4");
        Assert.Equal([0L, 1L], await db.TerminalHours.AsNoTracking().OrderBy(h => h.HourUtc).Select(h => h.FraudCount).ToListAsync());
    }

    private static readonly string History =
        MigrationDatabase.OneCardSql(creditLimitCents: 100000, balanceCents: 0) +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Decision, ModelVersion, Reasons, ScoringMilliseconds, RiskScore, Label, LabelledUtc, LabelledBy, RowVersion) VALUES " +
        "(1, 1, 1, 1000, '2026-06-02 10:05:00', 'CardHolder', 'Approved', 'gbt-1', '[]', 1.0, 10, 'Fraud', '2026-06-03 09:00:00', 'a@example.test', NULL)," +
        "(2, 1, 1, 2500, '2026-06-02 10:59:59.9999999', 'CardHolder', 'Review', 'gbt-1', '[]', 1.0, 70, 'Unknown', NULL, NULL, NULL)," +
        "(3, 1, 1, 9900, '2026-06-02 10:30:00', 'CardHolder', 'Declined', 'gbt-1', '[]', 1.0, 95, 'Unknown', NULL, NULL, NULL)," +
        "(4, 1, 1, 4000, '2026-06-02 11:00:00', 'CardHolder', 'Approved', 'gbt-1', '[]', 1.0, 10, 'Legitimate', NULL, NULL, NULL);" +
        "INSERT INTO FraudReports (Id, TransactionId, Kind, Reason, Status, CreatedUtc, RowVersion) VALUES " +
        "(1, 1, 'NotMe', 'Not my payment', 'Open', '2026-06-02 12:00:00', '00000000-0000-0000-0000-000000000001');";

    public void Dispose() => _database.Dispose();
}
