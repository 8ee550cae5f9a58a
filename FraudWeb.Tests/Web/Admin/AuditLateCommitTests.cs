using System.Globalization;
using AngleSharp.Html.Dom;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>
/// On PostgreSQL an audit entry's id is taken before its transaction commits: an entry can commit after entries with
/// higher ids, inside the range of a page already read. Paging "Newer" from that page must still show it (ADR 0027).
/// Two connections, one holding its entry uncommitted while the other writes and the administrator reads: on the web
/// tests' PostgreSQL run (FRAUDWEB_TEST_PROVIDER=Postgres). On SQLite there is nothing to test: it has one writer at a
/// time, from its insert to its commit, so its ids commit in order (the second connection would wait for the first). A
/// factory of its own on PostgreSQL in a SQLite run is no way out: the app's compiled queries keep the first model they met.
/// </summary>
public sealed class AuditLateCommitTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    /// <summary>Entries about <paramref name="target"/> at <paramref name="at"/>, a second apart, committed.</summary>
    private async Task AddEntriesAsync(string target, int count, DateTime at)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        for (var i = 0; i < count; i++) db.Add(AuditEntry.Record(AuditLog.SystemActor, AuditActions.UserEdit, AuditTargets.User, target, null, null, at.AddSeconds(i)));
        await db.SaveChangesAsync();
    }

    private static List<long> AuditIds(IHtmlDocument page) =>
        [.. page.QuerySelectorAll("tr[data-audit-id]").Select(r => long.Parse(r.GetAttribute("data-audit-id")!, CultureInfo.InvariantCulture))];

    private static string Href(IHtmlDocument page, string testId) => page.QuerySelector($"a[data-testid={testId}]")!.GetAttribute("href")!;

    [Fact]
    public async Task AuditIndex_OnPostgresAnEntryCommittedAfterItsPageWasRead_NewerFromThatPageShowsIt()
    {
        if (!TestPostgres.WebTestsOnPostgres) return;
        // Arrange: 30 settled entries (an hour old); then a transaction takes an id for its entry and holds it
        // uncommitted while 30 more entries are written and committed on another connection.
        // Letters only (a GUID's hex can hold a Luhn-valid run of digits, which an address may not carry).
        var target = "late-" + string.Concat(Guid.NewGuid().ToString("N").Select(c => char.IsAsciiDigit(c) ? (char)('g' + (c - '0')) : c));
        var now = factory.Clock.UtcNow;
        await AddEntriesAsync(target, 30, now.AddHours(-1));
        await using var lateScope = factory.Services.CreateAsyncScope();
        var lateDb = lateScope.ServiceProvider.GetRequiredService<FraudDbContext>();
        await using var late = await lateDb.Database.BeginTransactionAsync();
        var lateEntry = AuditEntry.Record(AuditLog.SystemActor, AuditActions.UserLock, AuditTargets.User, target, null, null, now);
        lateDb.Add(lateEntry);
        await lateDb.SaveChangesAsync();
        await AddEntriesAsync(target, 30, now);
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

        // The administrator reads the newest page, then the older one whose range holds the uncommitted entry's id.
        var newest = await Html.GetPageAsync(admin.Client, $"/AdminAudit?Target={target}");
        var older = await Html.GetPageAsync(admin.Client, Href(newest, "older-entries"));
        Assert.DoesNotContain(lateEntry.Id, AuditIds(older));
        Assert.InRange(lateEntry.Id, AuditIds(older).Min(), AuditIds(older).Max());

        // Act: the entry commits; the administrator pages newer from the page read before
        await late.CommitAsync();
        var newer = await Html.GetPageAsync(admin.Client, Href(older, "newer-entries"));

        // Assert: the late entry is shown (by the page's newest id it was below every newer page)
        Assert.Contains(lateEntry.Id, AuditIds(newer));
        Assert.Contains($"Target={target}", Href(older, "newer-entries"), StringComparison.Ordinal);
        Assert.Contains("61 entries in all", newer.Body!.TextContent, StringComparison.Ordinal);
    }
}
