using System.Globalization;
using FraudWeb.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// A SQLite file in its own temporary folder for testing a migration on a database with history: migrated up to an
/// older migration, filled with rows in that schema, then migrated the rest of the way by the test.
/// </summary>
public sealed class MigrationDatabase : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-migration-" + Guid.NewGuid().ToString("N"));

    public MigrationDatabase() => Directory.CreateDirectory(_directory);

    /// <summary>A context on the database at <paramref name="migration"/>'s schema, with <paramref name="historySql"/> run on it.</summary>
    public async Task<FraudDbContext> AtAsync(string migration, string historySql)
    {
        var options = new DbContextOptionsBuilder<SqliteFraudDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "history.db")}").Options;
        var db = new SqliteFraudDbContext(options);
        await db.GetService<IMigrator>().MigrateAsync(migration);
        await db.Database.ExecuteSqlRawAsync(historySql);
        return db;
    }

    /// <summary>Rows every history needs: simulated holder 1 with Visa card 1 (amounts in stored cents) and terminal 1.</summary>
    public static string OneCardSql(long creditLimitCents, long balanceCents) =>
        "INSERT INTO CardHolders (Id, IsSimulated, FullName, CreatedUtc) VALUES (1, 1, 'Simulated', '2026-06-01 00:00:00');" +
        "INSERT INTO Cards (Id, CardHolderId, Fingerprint, Last4, Brand, ExpiryMonth, ExpiryYear, CardholderName, CreditLimit, Balance, AddedUtc) " +
        string.Create(CultureInfo.InvariantCulture,
            $"VALUES (1, 1, '{new string('a', 64)}', '1111', 'Visa', 12, 2030, 'ADA', {creditLimitCents}, {balanceCents}, '2026-06-01 00:00:00');") +
        "INSERT INTO Terminals (Id, Name, Category, X, Y) VALUES (1, 'Shop', 'Retail', 0, 0);";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
