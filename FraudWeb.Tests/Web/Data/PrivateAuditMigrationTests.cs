using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// 20261130121122_PrivateAuditAndPerHolderCards (and AuditAppendOnlyAgain) on a database with history: audit entries lose their personal data
/// (ADR 0004) yet stay append-only, and earlier double reports leave one open report per payment.
/// </summary>
/// <remarks>The SQLite history's own file: run once, not again in the PostgreSQL pass.</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class PrivateAuditMigrationTests : IDisposable
{
    private const string Before = "20261130110554_SingleServingVersion";
    private readonly MigrationDatabase _database = new();

    [Fact]
    public async Task Migrate_AuditWithPersonalData_KeepsIdsRolesAndChangedFieldsOnly()
    {
        // Arrange: entries as the old code wrote them.
        await using var db = await _database.AtAsync(Before,
            "INSERT INTO AuditEntries (Id, TimestampUtc, ActorId, ActorEmail, Action, TargetType, TargetId, Before, After) VALUES " +
            "(1, '2026-06-01 00:00:00', 'admin-1', 'boss@example.test', 'user.create', 'user', 'u-1', NULL, " +
            "'{{\"Email\":\"ada@example.test\",\"Roles\":[\"Analyst\"],\"Details\":{{\"FullName\":\"Ada Lovelace\",\"PhoneNumber\":\"+44 20 7946 0000\"}}}}')," +
            "(2, '2026-06-02 00:00:00', 'admin-1', 'boss@example.test', 'user.edit', 'user', 'u-1', " +
            "'{{\"FullName\":\"Ada Lovelace\",\"PhoneNumber\":\"+44 20 7946 0000\",\"DateOfBirth\":\"1980-12-10\",\"Address\":{{\"City\":\"London\"}}}}', " +
            "'{{\"FullName\":\"Ada King\",\"PhoneNumber\":\"+44 20 7946 0000\",\"DateOfBirth\":\"1980-12-10\",\"Address\":{{\"City\":\"Leeds\"}}}}')," +
            "(3, '2026-06-03 00:00:00', 'admin-1', 'boss@example.test', 'user.lock', 'user', 'u-1', '{{\"Locked\":false}}', '{{\"Locked\":true}}');");

        // Act
        await db.Database.MigrateAsync();

        // Assert
        var entries = await db.Set<AuditEntry>().AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["admin-1", "admin-1", "admin-1"], entries.Select(e => e.ActorId));
        Assert.Equal("{\"Roles\":[\"Analyst\"],\"HasProfile\":true}", entries[0].After);
        Assert.Equal("{\"Changed\":[\"FullName\",\"Address\"]}", entries[1].After);
        Assert.Equal("{\"HadProfile\":true}", entries[1].Before);
        Assert.Equal("{\"Locked\":true}", entries[2].After);
        var text = string.Concat(entries.Select(e => e.Before + e.After));
        foreach (var personal in new[] { "@example.test", "Ada", "7946", "1980", "London", "Leeds" })
        {
            Assert.DoesNotContain(personal, text, StringComparison.Ordinal);
        }
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE AuditEntries SET Action = 'x'"));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM AuditEntries"));
    }

    [Fact]
    public async Task Migrate_AdminCreatedByCommandWithItsAddress_AddressGoneLogStillAppendOnly()
    {
        // Arrange (review: create-admin wrote the new administrator's address into the append-only log, where no
        // erasure could reach it): the entry as that command wrote it, and another action's entry.
        await using var db = await _database.AtAsync("20261205230801_AuditSnapshotsUnbounded",
            "INSERT INTO AuditEntries (Id, TimestampUtc, ActorId, Action, TargetType, TargetId, Before, After) VALUES " +
            "(1, '2026-06-01 00:00:00', 'create-admin', 'user.create-admin', 'user', 'u-1', NULL, '{{\"Email\":\"first@example.test\",\"Roles\":[\"Admin\"],\"PasswordGenerated\":true}}')," +
            "(2, '2026-06-02 00:00:00', 'u-1', 'user.lock', 'user', 'u-2', '{{\"Locked\":false}}', '{{\"Locked\":true}}');");

        // Act
        await db.Database.MigrateAsync();

        // Assert
        var entries = await db.Set<AuditEntry>().AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal("{\"Roles\":[\"Admin\"],\"PasswordGenerated\":true}", entries[0].After);
        Assert.Equal("{\"Locked\":true}", entries[1].After);
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE AuditEntries SET Action = 'x'"));
    }

    [Fact]
    public async Task Migrate_TwoOpenReportsOnOnePayment_FirstStaysOpenAndASecondIsRefused()
    {
        // Arrange: a double submission that the old check-then-insert let through.
        await using var db = await _database.AtAsync(Before, MigrationDatabase.OneCardSql(100_000, 0) +
            "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Label) VALUES (1, 1, 1, 4000, '2026-06-02 09:00:00', 'CardHolder', 'Unknown');" +
            "INSERT INTO FraudReports (Id, TransactionId, Kind, Reason, Status, CreatedUtc, RowVersion) VALUES " +
            "(1, 1, 'NotMe', 'Not me at all', 'Open', '2026-06-02 10:00:00', '00000000-0000-0000-0000-000000000001')," +
            "(2, 1, 'NotMe', 'Not me at all', 'Open', '2026-06-02 10:00:01', '00000000-0000-0000-0000-000000000002');");

        // Act
        await db.Database.MigrateAsync();

        // Assert
        Assert.Equal([1L], await db.FraudReports.AsNoTracking().Where(r => r.Status == ReportStatus.Open).Select(r => r.Id).ToListAsync());
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO FraudReports (TransactionId, Kind, Reason, Status, CreatedUtc, RowVersion) VALUES (1, 'NotMe', 'Again please', 'Open', '2026-06-02 11:00:00', '00000000-0000-0000-0000-000000000003');"));
    }

    public void Dispose() => _database.Dispose();
}
