using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// "One serving version" holds in the database too: the unique filtered index refuses a second Serving row written by
/// another context (another process), whatever each one's domain objects allowed.
/// </summary>
/// <remarks>The SQLite history's own file: run once, not again in the PostgreSQL pass.</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class ServingIndexTests : IDisposable
{
    private static readonly DateTime Now = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-serving-" + Guid.NewGuid().ToString("N"));

    public ServingIndexTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task SaveChanges_SecondContextServesAnotherVersion_RefusedByUniqueIndex()
    {
        // Arrange: two processes each saw no serving version and promote their own.
        await using var first = await MigratedAsync();
        await using var second = NewContext();
        var a = Registered("gbt-a");
        var b = Registered("gbt-b");
        a.Promote(null, Now);
        b.Promote(null, Now);
        first.ModelVersions.Add(a);
        await first.SaveChangesAsync();
        second.ModelVersions.Add(b);

        // Act
        var refused = await Record.ExceptionAsync(() => second.SaveChangesAsync());

        // Assert
        Assert.IsType<DbUpdateException>(refused);
        Assert.Equal(["gbt-a"], await first.ModelVersions.AsNoTracking().Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).ToListAsync());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static ModelVersion Registered(string version) => ModelVersion.Register(version, version + ".model", Now, 100, 3, "{}");

    private async Task<FraudDbContext> MigratedAsync()
    {
        var db = NewContext();
        await db.Database.MigrateAsync();
        return db;
    }

    private SqliteFraudDbContext NewContext() =>
        new(new DbContextOptionsBuilder<SqliteFraudDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "serving.db")}").Options);
}
