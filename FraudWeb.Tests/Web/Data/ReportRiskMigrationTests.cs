using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// ReportRisk on a database with history: reports opened before keep their payment's risk (the analysts' queue orders
/// open reports by it), -1 for a payment without a verdict, as new reports get it from FraudReport.Open.
/// </summary>
/// <remarks>The SQLite history's own file: run once, not again in the PostgreSQL pass (its migration is covered by
/// ProviderMigrationTests).</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class ReportRiskMigrationTests : IDisposable
{
    private readonly MigrationDatabase _database = new();

    [Fact]
    public async Task Migrate_ReportsOpenedBefore_EachKeepsItsPaymentsRisk()
    {
        // Arrange: the schema before the migration, with reports on a held, an approved and an unscored payment
        await using var db = await _database.AtAsync("20261205185155_CardLast4Index", History);

        // Act
        await db.Database.MigrateAsync();

        // Assert
        var risks = await db.FraudReports.AsNoTracking().OrderBy(r => r.Id).Select(r => r.Risk).ToListAsync();
        Assert.Equal([87, 12, FraudReport.NoVerdictRisk], risks);
    }

    private static readonly string History =
        MigrationDatabase.OneCardSql(creditLimitCents: 1000000, balanceCents: 0) +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Label, Decision, RiskScore, ModelVersion) VALUES " +
        "(1, 1, 1, 4000, '2026-06-02 09:00:00', 'CardHolder', 'Unknown', 'Review', 87, 'gbt-1')," +
        "(2, 1, 1, 2500, '2026-06-02 10:00:00', 'CardHolder', 'Unknown', 'Approved', 12, 'gbt-1');" +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Label) VALUES (3, 1, 1, 1500, '2026-06-02 11:00:00', 'Simulated', 'Unknown');" +
        "INSERT INTO FraudReports (Id, TransactionId, CardId, Kind, Reason, Status, CreatedUtc, RowVersion) VALUES " +
        "(1, 1, 1, 'NotMe', 'Not my payment at all.', 'Open', '2026-06-03 09:00:00', '11111111-1111-1111-1111-111111111111')," +
        "(2, 2, 1, 'NotMe', 'Not my payment at all.', 'Rejected', '2026-06-03 09:00:00', '22222222-2222-2222-2222-222222222222')," +
        "(3, 3, 1, 'NotMe', 'Not my payment at all.', 'Open', '2026-06-03 09:00:00', '33333333-3333-3333-3333-333333333333');";

    public void Dispose() => _database.Dispose();
}
