using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// 20261130110554_SingleServingVersion on a database with models: IsActive, which said what served, moves into Status
/// before the column goes, so the same version serves after the upgrade and the unique index can be built.
/// </summary>
/// <remarks>The SQLite history's own file: run once, not again in the PostgreSQL pass.</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class SingleServingVersionMigrationTests : IDisposable
{
    private const string Before = "20261122040000_FraudRefunds";
    private readonly MigrationDatabase _database = new();

    [Fact]
    public async Task Migrate_SeededRegistry_ActiveVersionServesOthersKeepTheirStatus()
    {
        // Arrange: a demo installation: the first model retired, the active one, a rejected challenger.
        await using var db = await _database.AtAsync(Before,
            Row(1, "gbt-1", isActive: false, "Retired", "2026-06-01 00:00:00") +
            Row(2, "gbt-2", isActive: true, "Serving", "2026-06-02 00:00:00") +
            Row(3, "gbt-3", isActive: false, "Rejected", null));

        // Act
        await db.Database.MigrateAsync();

        // Assert
        Assert.Equal(
            new Dictionary<string, ModelStatus> { ["gbt-1"] = ModelStatus.Retired, ["gbt-2"] = ModelStatus.Serving, ["gbt-3"] = ModelStatus.Rejected },
            await db.ModelVersions.AsNoTracking().ToDictionaryAsync(m => m.Version, m => m.Status));
    }

    [Fact]
    public async Task Migrate_StatusAndIsActiveDisagree_IsActiveWinsAndNewestActiveAloneServes()
    {
        // Arrange: rows written around the old loops: a Serving status no longer active, two active rows.
        await using var db = await _database.AtAsync(Before,
            Row(1, "gbt-stale", isActive: false, "Serving", "2026-06-01 00:00:00") +
            Row(2, "gbt-older", isActive: true, "Serving", "2026-06-02 00:00:00") +
            Row(3, "gbt-newest", isActive: true, "Candidate", "2026-06-03 00:00:00"));

        // Act
        await db.Database.MigrateAsync();

        // Assert: the newest active one is what start-up loaded before the upgrade.
        Assert.Equal(
            new Dictionary<string, ModelStatus> { ["gbt-stale"] = ModelStatus.Retired, ["gbt-older"] = ModelStatus.Retired, ["gbt-newest"] = ModelStatus.Serving },
            await db.ModelVersions.AsNoTracking().ToDictionaryAsync(m => m.Version, m => m.Status));
    }

    private static string Row(int id, string version, bool isActive, string status, string? activatedUtc) =>
        "INSERT INTO ModelVersions (Id, Version, FileName, CreatedUtc, TrainingRows, TrainingFrauds, MetricsJson, IsActive, ActivatedUtc, Status) VALUES " +
        $"({id}, '{version}', '{version}.model', '2026-06-0{id} 00:00:00', 100, 3, " +
        "'{{}}', " + // the SQL runs through string.Format, where {{}} is the empty JSON object
        $"{(isActive ? 1 : 0)}, " +
        $"{(activatedUtc is null ? "NULL" : $"'{activatedUtc}'")}, '{status}');";

    public void Dispose() => _database.Dispose();
}
