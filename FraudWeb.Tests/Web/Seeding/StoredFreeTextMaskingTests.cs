using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Services.Seeding;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Seeding;

/// <summary>
/// Auditor's finding (PCI DSS 3.3.1): report and list reasons stored before security codes were masked at write time
/// kept their codes. Start-up masks them once. Runs on the web tests' provider (SQLite, or PostgreSQL with
/// FRAUDWEB_TEST_PROVIDER=Postgres); the old text is written with SQL, as the domain would now mask it.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class StoredFreeTextMaskingTests(FraudWebFactory factory)
{
    private async Task<int> MaskAsync()
    {
        // What start-up runs.
        await using var scope = factory.Services.CreateAsyncScope();
        return await StoredFreeTextMasking.MaskStoredAsync(scope.ServiceProvider.GetRequiredService<FraudDbContext>(), CancellationToken.None);
    }

    private Task<(long Report, long Entry, long Plain)> OldRowsAsync(string reportReason, string addedReason, string removedReason, string plainReason) => factory.QueryAsync(async db =>
    {
        var payments = await db.Transactions.Where(t => !db.FraudReports.Any(r => r.TransactionId == t.Id)).OrderByDescending(t => t.Id).Take(2).ToListAsync();
        var report = FraudReport.Open(payments[0], ReportKind.NotMe, "to be replaced", factory.Clock.UtcNow);
        var plain = FraudReport.Open(payments[1], ReportKind.NotMe, "to be replaced", factory.Clock.UtcNow);
        var list = RuleList.Create("m" + Guid.NewGuid().ToString("N")[..12], RuleListKind.MerchantCategory, RuleListPurpose.Reference, null, "analyst", factory.Clock.UtcNow);
        var entry = list.Add("Grocery", "Grocery", null, "to be replaced", "analyst", factory.Clock.UtcNow);
        db.AddRange(report, plain, list);
        await db.SaveChangesAsync();
        await db.Database.ExecuteSqlAsync($"""UPDATE "FraudReports" SET "Reason" = {reportReason} WHERE "Id" = {report.Id}""");
        await db.Database.ExecuteSqlAsync($"""UPDATE "FraudReports" SET "Reason" = {plainReason} WHERE "Id" = {plain.Id}""");
        await db.Database.ExecuteSqlAsync($"""UPDATE "RuleListEntries" SET "AddedReason" = {addedReason}, "RemovedReason" = {removedReason} WHERE "Id" = {entry.Id}""");
        return (report.Id, entry.Id, plain.Id);
    });

    [Fact]
    public async Task MaskStored_ReasonsWrittenBeforeCodesWereMasked_CodesMaskedOnceOtherTextKept()
    {
        // Arrange
        var (report, entry, plain) = await OldRowsAsync("Not me: the card and CVV 737 were in the stolen wallet", "Holder said cvc: 1234 on the phone",
            "安全码 5821 was given to a caller", "Refund of 737 yuan, code of conduct breach");

        // Act
        var first = await MaskAsync();
        var second = await MaskAsync();

        // Assert: the codes gone, three-digit amounts and other words kept, nothing left to do the second time
        Assert.True(first >= 3, $"{first} rows changed");
        Assert.Equal(0, second);
        Assert.Equal("Not me: the card and CVV ••• were in the stolen wallet", await factory.QueryAsync(db => db.FraudReports.Where(r => r.Id == report).Select(r => r.Reason).SingleAsync()));
        Assert.Equal("Refund of 737 yuan, code of conduct breach", await factory.QueryAsync(db => db.FraudReports.Where(r => r.Id == plain).Select(r => r.Reason).SingleAsync()));
        var reasons = await factory.QueryAsync(db => db.RuleListEntries.Where(e => e.Id == entry).Select(e => new { e.AddedReason, e.RemovedReason }).SingleAsync());
        Assert.Equal("Holder said cvc: ••• on the phone", reasons.AddedReason);
        Assert.Equal("安全码 ••• was given to a caller", reasons.RemovedReason);
    }

    [Fact]
    public async Task MaskStored_NothingNamesACode_NothingWritten()
    {
        // Arrange
        var (report, _, _) = await OldRowsAsync("Not me at all", "Known merchant", "Closed", "Refund of 737 yuan");

        // Act
        await MaskAsync();
        var again = await MaskAsync();

        // Assert
        Assert.Equal(0, again);
        Assert.Equal("Not me at all", await factory.QueryAsync(db => db.FraudReports.Where(r => r.Id == report).Select(r => r.Reason).SingleAsync()));
    }

    [Fact]
    public async Task MaskStored_BlockNoteWrittenBeforeCodesWereRefused_CodeMasked()
    {
        // Arrange (review: block notes refuse codes today, but one written before kept its code)
        var card = await factory.QueryAsync(db => db.Cards.Where(c => c.BlockNote == null).OrderByDescending(c => c.Id).Select(c => c.Id).FirstAsync());
        const string note = "Holder read CVV 481 to a caller";
        await factory.QueryAsync(db => db.Database.ExecuteSqlAsync($"""UPDATE "Cards" SET "BlockNote" = {note} WHERE "Id" = {card}"""));
        try
        {
            // Act
            await MaskAsync();

            // Assert
            Assert.Equal("Holder read CVV ••• to a caller", await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.BlockNote).SingleAsync()));
        }
        finally
        {
            await factory.QueryAsync(db => db.Database.ExecuteSqlAsync($"""UPDATE "Cards" SET "BlockNote" = NULL WHERE "Id" = {card}"""));
        }
    }
}
