using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// ForgetErasedHoldersReportTextsAndPhones on a database with history: what erasure and details edits do since
/// 2026-12-05 done for what came before (a report of a holder erased earlier kept its words; an account's phone
/// number kept the one given at registration).
/// </summary>
/// <remarks>The SQLite history's own file: run once, not again in the PostgreSQL pass.</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class ErasureDataMigrationTests : IDisposable
{
    private readonly MigrationDatabase _database = new();

    [Fact]
    public async Task Migrate_HolderErasedBefore_ReportWordsForgottenOthersKeptAndPhonesInStep()
    {
        // Arrange: the schema before the migration; holder 2 erased with a report, holder 3 present with a report and
        // a changed phone number, holder 1 simulated
        await using var db = await _database.AtAsync("20261205103953_CardStops", History);

        // Act
        await db.Database.MigrateAsync();

        // Assert
        var reasons = await db.FraudReports.AsNoTracking().OrderBy(r => r.Id).Select(r => new { r.Reason, r.RowVersion }).ToListAsync();
        Assert.Equal(FraudReport.ErasedReason, reasons[0].Reason);
        Assert.Equal(Guid.Parse("11111111-1111-1111-1111-111111111111"), reasons[0].RowVersion);
        Assert.Equal("I was at home; my card was in my drawer.", reasons[1].Reason);
        Assert.Equal("+44 20 7946 0999", await db.Users.Where(u => u.Id == "u3").Select(u => u.PhoneNumber).SingleAsync());
    }

    private static readonly string History =
        MigrationDatabase.OneCardSql(creditLimitCents: 1000000, balanceCents: 0) +
        "INSERT INTO AspNetUsers (Id, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, PhoneNumber, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount, CreatedUtc) " +
        "VALUES ('u3', 'b@example.test', 'B@EXAMPLE.TEST', 'b@example.test', 'B@EXAMPLE.TEST', 1, '+44 20 7946 0000', 0, 0, 1, 0, '2026-06-01 00:00:00');" +
        "INSERT INTO CardHolders (Id, IsSimulated, FullName, CreatedUtc, UserId, PhoneNumber) VALUES " +
        "(2, 0, 'Erased card holder', '2026-06-01 00:00:00', NULL, NULL), (3, 0, 'Bea Present', '2026-06-01 00:00:00', 'u3', '+44 20 7946 0999');" +
        "INSERT INTO Cards (Id, CardHolderId, Fingerprint, Last4, Brand, ExpiryMonth, ExpiryYear, CardholderName, CreditLimit, Balance, AddedUtc) VALUES " +
        $"(2, 2, '{new string('b', 64)}', '2222', 'Visa', 12, 2030, 'Erased card holder', 100000, 0, '2026-06-01 00:00:00')," +
        $"(3, 3, '{new string('c', 64)}', '3333', 'Visa', 12, 2030, 'BEA', 100000, 0, '2026-06-01 00:00:00');" +
        "INSERT INTO Transactions (Id, CardId, TerminalId, Amount, TimestampUtc, Source, Label) VALUES " +
        "(2, 2, 1, 4000, '2026-06-02 09:00:00', 'CardHolder', 'Unknown'), (3, 3, 1, 4000, '2026-06-02 09:00:00', 'CardHolder', 'Unknown');" +
        "INSERT INTO FraudReports (Id, TransactionId, CardId, Kind, Reason, Status, CreatedUtc, RowVersion) VALUES " +
        "(1, 2, 2, 'NotMe', 'I was in Lisbon with my sister that week.', 'Open', '2026-06-03 09:00:00', '11111111-1111-1111-1111-111111111111')," +
        "(2, 3, 3, 'NotMe', 'I was at home; my card was in my drawer.', 'Open', '2026-06-03 09:00:00', '22222222-2222-2222-2222-222222222222');";

    public void Dispose() => _database.Dispose();
}
