using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// 20261122030000_HeldPaymentSettlement on a database with history: held payments decided before it (never charged)
/// get an outcome, undecided ones stay in the queue, other payments are untouched.
/// </summary>
public sealed class HeldPaymentMigrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-held-migration-" + Guid.NewGuid().ToString("N"));

    public HeldPaymentMigrationTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Migrate_HeldPaymentsLabelledBefore_RecordedDeclinedAndUndecidedStayHeld()
    {
        // Arrange: the schema before the migration, with one card and four payments.
        var options = new DbContextOptionsBuilder<FraudDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "held.db")}").Options;
        await using var db = new FraudDbContext(options);
        await db.GetService<IMigrator>().MigrateAsync("20261122020000_AdminAudit");
        await db.Database.ExecuteSqlRawAsync(History);

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

    private const string History =
        "INSERT INTO CardHolders (Id, IsSimulated, FullName, CreatedUtc) VALUES (1, 1, 'Simulated', '2026-06-01 00:00:00');" +
        "INSERT INTO Cards (Id, CardHolderId, Fingerprint, Last4, Brand, ExpiryMonth, ExpiryYear, CardholderName, CreditLimit, Balance, AddedUtc) " +
        "VALUES (1, 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '1111', 'Visa', 12, 2030, 'ADA', 100000, 0, '2026-06-01 00:00:00');" +
        "INSERT INTO Terminals (Id, Name, Category, X, Y) VALUES (1, 'Shop', 'Retail', 0, 0);" +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Decision, ModelVersion, Reasons, ScoringMilliseconds, RiskScore, Label, LabelledUtc, LabelledBy) VALUES " +
        "(1, 1, 1, 2500, '2026-06-02 10:00:00', 'CardHolder', 'Review', 'gbt-1', '[]', 1.0, 70, 'Fraud', '2026-06-03 09:00:00', 'a@example.test')," +
        "(2, 1, 1, 2500, '2026-06-02 11:00:00', 'CardHolder', 'Review', 'gbt-1', '[]', 1.0, 70, 'Legitimate', '2026-06-03 09:30:00', 'a@example.test')," +
        "(3, 1, 1, 2500, '2026-06-02 12:00:00', 'CardHolder', 'Review', 'gbt-1', '[]', 1.0, 70, 'Unknown', NULL, NULL)," +
        "(4, 1, 1, 2500, '2026-06-02 13:00:00', 'CardHolder', 'Approved', 'gbt-1', '[]', 1.0, 10, 'Legitimate', '2026-06-03 10:00:00', 'a@example.test');";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
