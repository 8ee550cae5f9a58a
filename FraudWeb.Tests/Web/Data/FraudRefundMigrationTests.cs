using FraudWeb.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// 20261122040000_FraudRefunds on a database with history: fraud labelled before it (seeded, or confirmed on a charged
/// payment) is not refunded retroactively, and no card balance moves.
/// </summary>
public sealed class FraudRefundMigrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-refund-migration-" + Guid.NewGuid().ToString("N"));

    public FraudRefundMigrationTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Migrate_FraudLabelledBefore_NothingRefundedAndBalancesUnchanged()
    {
        // Arrange: the schema before the migration, a card charged 2500 for a payment already confirmed as fraud.
        var options = new DbContextOptionsBuilder<FraudDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "refund.db")}").Options;
        await using var db = new FraudDbContext(options);
        await db.GetService<IMigrator>().MigrateAsync("20261122030000_HeldPaymentSettlement");
        await db.Database.ExecuteSqlRawAsync(History);

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

    private const string History =
        "INSERT INTO CardHolders (Id, IsSimulated, FullName, CreatedUtc) VALUES (1, 1, 'Simulated', '2026-06-01 00:00:00');" +
        "INSERT INTO Cards (Id, CardHolderId, Fingerprint, Last4, Brand, ExpiryMonth, ExpiryYear, CardholderName, CreditLimit, Balance, AddedUtc) " +
        "VALUES (1, 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '1111', 'Visa', 12, 2030, 'ADA', 1000000, 250000, '2026-06-01 00:00:00');" +
        "INSERT INTO Terminals (Id, Name, Category, X, Y) VALUES (1, 'Shop', 'Retail', 0, 0);" +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Label, LabelledUtc, LabelledBy) VALUES " +
        "(1, 1, 1, 4000, '2026-06-02 09:00:00', 'Simulated', 'Fraud', '2026-06-02 09:00:00', 'simulator');" +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Decision, ModelVersion, Reasons, ScoringMilliseconds, RiskScore, Label, LabelledUtc, LabelledBy) VALUES " +
        "(2, 1, 1, 250000, '2026-06-02 10:00:00', 'CardHolder', 'Approved', 'gbt-1', '[]', 1.0, 10, 'Fraud', '2026-06-03 09:00:00', 'a@example.test');";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
