using FraudWeb.Data;
using FraudWeb.Data.Configurations;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// Migration CardPaymentCount on each provider: a database with payments gets each card's count, and the triggers keep
/// it through new, moved, changed and deleted payments. Both providers in one run (they name their database).
/// </summary>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class CardPaymentCountMigrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-migrations", Guid.NewGuid().ToString("N"));
    private readonly List<string> _postgresDatabases = [];

    public CardPaymentCountMigrationTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Migrate_SqliteCardsWithPayments_CountsFilledThenKeptByTriggers() =>
        await AssertCountsAsync(new SqliteFraudDbContext(new DbContextOptionsBuilder<SqliteFraudDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory, "count.db")}").Options), "20261202050152_CardPageIndex");

    [Fact]
    public async Task Migrate_PostgresCardsWithPayments_CountsFilledThenKeptByTriggers()
    {
        var database = TestPostgres.CreateDatabase();
        _postgresDatabases.Add(database);
        await AssertCountsAsync(new PostgresFraudDbContext(new DbContextOptionsBuilder<PostgresFraudDbContext>().UseNpgsql(database).Options),
            "20261202050158_CardPageIndex");
    }

    private static async Task AssertCountsAsync(FraudDbContext db, string schemaBefore)
    {
        await using (db)
        {
            // Arrange: the schema before the count; card 1 with three payments, card 2 with none.
            await db.GetService<IMigrator>().MigrateAsync(schemaBefore);
            var terminal = Terminal.Create("Corner shop", "grocery", 0.25, 0.75);
            db.Terminals.Add(terminal);
            await db.SaveChangesAsync();
            var at = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO \"CardHolders\" (\"Id\", \"IsSimulated\", \"FullName\", \"CreatedUtc\") VALUES (1, TRUE, 'Simulated', {at})");
            foreach (var (id, fingerprint) in new[] { (1L, new string('a', 64)), (2L, new string('b', 64)) })
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO "Cards" ("Id", "CardHolderId", "Fingerprint", "Last4", "Brand", "ExpiryMonth", "ExpiryYear", "CardholderName", "CreditLimit", "Balance", "AddedUtc")
                    VALUES ({id}, 1, {fingerprint}, '1111', 'Visa', 12, 2030, 'ADA', 100000, 0, {at})
                    """);
            }
            for (var i = 0; i < 3; i++) await PayAsync(db, 1, terminal.Id, at.AddMinutes(i));

            // Act
            await db.Database.MigrateAsync();
            var migrated = await CountsAsync(db);
            await PayAsync(db, 2, terminal.Id, at.AddHours(1));
            await db.Database.ExecuteSqlRawAsync("""UPDATE "Transactions" SET "CardId" = 2 WHERE "Id" = (SELECT MIN("Id") FROM "Transactions" WHERE "CardId" = 1)""");
            await db.Database.ExecuteSqlRawAsync("""UPDATE "Transactions" SET "Amount" = "Amount" + 1, "CardId" = "CardId" """);
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM "Transactions" WHERE "Id" = (SELECT MAX("Id") FROM "Transactions" WHERE "CardId" = 1)""");
            var kept = await CountsAsync(db);

            // Assert
            Assert.Equal([3L, 0L], migrated);
            Assert.Equal([1L, 2L], kept);
            Assert.Equal([1, 2], await db.Transactions.GroupBy(t => t.CardId).OrderBy(g => g.Key).Select(g => g.Count()).ToListAsync());
        }
    }

    private static Task<int> PayAsync(FraudDbContext db, long cardId, long terminalId, DateTime at) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO \"Transactions\" (\"CardId\", \"TerminalId\", \"Amount\", \"TimestampUtc\", \"Source\", \"Label\") VALUES ({cardId}, {terminalId}, 1000, {at}, 'CardHolder', 'Unknown')");

    private static Task<List<long>> CountsAsync(FraudDbContext db) =>
        db.Cards.AsNoTracking().OrderBy(c => c.Id).Select(c => EF.Property<long>(c, CardConfiguration.PaymentCount)).ToListAsync();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var database in _postgresDatabases) TestPostgres.DropDatabase(database);
        Directory.Delete(_directory, recursive: true);
    }
}
