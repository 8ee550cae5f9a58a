using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.ViewModelBuilders;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>
/// The administrators' long lists (the audit log, the accounts) page from a row, not by number (data-volume review: at
/// 500,000 entries and 30,000 accounts a far page read every row before it), keeping their filters across pages.
/// </summary>
public sealed partial class AdminListPagingTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private async Task<StaffSession> AdminAsync() => await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

    /// <summary>Audit entries about one target of its own, oldest first, each a second after the last.</summary>
    private async Task<string> EntriesAboutAsync(int count, string action = AuditActions.UserEdit, string? target = null)
    {
        // Letters only: a GUID's hex can hold a Luhn-valid run of digits, which the card-number guard strips from an
        // address (a CI failure: the audit page answered 303).
        target ??= "paging-" + string.Concat(Guid.NewGuid().ToString("N").Select(c => char.IsAsciiDigit(c) ? (char)('g' + (c - '0')) : c));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        for (var i = 0; i < count; i++)
        {
            db.Add(AuditEntry.Record(AuditLog.SystemActor, action, AuditTargets.User, target, null, $"{{\"n\":\"{i}\"}}", factory.Clock.UtcNow.AddSeconds(i)));
        }
        await db.SaveChangesAsync();
        return target;
    }

    private static List<long> AuditIds(IHtmlDocument page) =>
        [.. page.QuerySelectorAll("tr[data-audit-id]").Select(r => long.Parse(r.GetAttribute("data-audit-id")!, CultureInfo.InvariantCulture))];

    private static string Href(IHtmlDocument page, string testId) => page.QuerySelector($"a[data-testid={testId}]")!.GetAttribute("href")!;

    [Fact]
    public async Task AuditIndex_EntryArrivesBetweenPages_OlderPageNeitherRepeatsNorSkipsAndKeepsTheFilter()
    {
        // Arrange: 30 entries, a page of 25 read, then one more entry arrives
        using var admin = await AdminAsync();
        var target = await EntriesAboutAsync(30);
        var first = await Html.GetPageAsync(admin.Client, $"/AdminAudit?Target={target}");
        await EntriesAboutAsync(1, target: target);

        // Act
        var older = await Html.GetPageAsync(admin.Client, Href(first, "older-entries"));

        // Assert: the first page's 25, then the 5 older ones: none twice, none left out, and only the target's
        var firstIds = AuditIds(first);
        var olderIds = AuditIds(older);
        Assert.Equal(25, firstIds.Count);
        Assert.Equal(5, olderIds.Count);
        Assert.Empty(firstIds.Intersect(olderIds));
        Assert.True(firstIds.Min() > olderIds.Max());
        Assert.Contains($"Target={target}", Href(first, "older-entries"), StringComparison.Ordinal);
        Assert.Equal(30, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(e => e.TargetId == target && e.Id <= firstIds.Max())));
        Assert.Contains("31 entries in all", older.Body!.TextContent, StringComparison.Ordinal);
        Assert.Null(older.QuerySelector("a[data-testid=older-entries]"));
    }

    [Theory]
    [InlineData("en", "1,001 entries in all")]
    [InlineData("zh-CN", "1,001")]
    public async Task AuditIndex_OverAThousandEntries_TotalWithTheLanguagesThousandsSeparator(string language, string expected)
    {
        // Arrange (exploratory testing, volume: "200002 entries in all", "共 200229 笔支付" read as one long number)
        using var admin = await AdminAsync();
        var target = await EntriesAboutAsync(1001);
        admin.Client.DefaultRequestHeaders.Add("Accept-Language", language);

        // Act
        var page = await Html.GetPageAsync(admin.Client, $"/AdminAudit?Target={target}");

        // Assert
        Assert.Contains(expected, page.QuerySelector(".pagination")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("1001", page.QuerySelector(".pagination")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersIndex_CardNumberTypedAsTheSearch_NeverShownWhole()
    {
        // Arrange
        using var admin = await AdminAsync();
        const string number = "4012888888881881";

        // Act: the address is sent on without the number first (CardNumberInAddressTests), then the list
        using var redirect = await admin.Client.GetAsync(new Uri($"/AdminUsers?Search={number}", UriKind.Relative));
        var response = await admin.Client.GetAsync(redirect.Headers.Location);
        var html = await response.Content.ReadAsStringAsync();

        // Assert: the box keeps the last four digits, and neither address nor page has the number
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.DoesNotContain(number, redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1881", (await Html.ParseAsync(response)).QuerySelector("input#Search")!.GetAttribute("value"));
        Assert.DoesNotContain(number, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditIndex_FilterFindsOneEntry_CountSaysOneEntry()
    {
        // Arrange
        using var admin = await AdminAsync();
        var target = await EntriesAboutAsync(1);

        // Act
        var page = await Html.GetPageAsync(admin.Client, $"/AdminAudit?Target={target}");

        // Assert (exploratory testing: "1 entries in all")
        Assert.Single(AuditIds(page));
        Assert.Contains("1 entry in all", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("entries in all", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditIndex_NewerFromTheSecondPage_TheNewestPageWithTheFiltersKept()
    {
        // Arrange: two actions about one target; the filter selects one of them
        using var admin = await AdminAsync();
        var target = await EntriesAboutAsync(30, AuditActions.UserLock);
        await EntriesAboutAsync(3, AuditActions.UserUnlock, target);
        var first = await Html.GetPageAsync(admin.Client, $"/AdminAudit?Operation={AuditActions.UserLock}&Target={target}");
        var older = await Html.GetPageAsync(admin.Client, Href(first, "older-entries"));

        // Act
        var newer = await Html.GetPageAsync(admin.Client, Href(older, "newer-entries"));

        // Assert: back to the same first page, with both filters in every link
        Assert.Equal(AuditIds(first), AuditIds(newer));
        Assert.Contains($"Operation={AuditActions.UserLock}", Href(older, "newer-entries"), StringComparison.Ordinal);
        Assert.Contains($"Target={target}", Href(older, "newer-entries"), StringComparison.Ordinal);
        Assert.Contains("30 entries in all", newer.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditIndex_TamperedCursor_NewestPageWithAMessageAndTheFiltersKept()
    {
        // Arrange
        using var admin = await AdminAsync();
        var target = await EntriesAboutAsync(3);

        // Act
        var response = await admin.Client.GetAsync(new Uri($"/AdminAudit?Target={target}&cursor=bm90LWEtY3Vyc29y", UriKind.Relative));
        var page = await Html.GetPageAsync(admin.Client, Html.Location(response));

        // Assert
        Assert.Equal($"/AdminAudit?Target={target}", Html.Location(response));
        Assert.Equal("That page of the audit log was not found; here are the newest entries.", page.QuerySelector("[data-testid=admin-error]")!.TextContent.Trim());
        Assert.Equal(3, AuditIds(page).Count);
    }

    [Fact]
    public async Task AuditIndex_OldPageNumberLink_NewestPage()
    {
        // Arrange: a link from before the cursor, to the second page
        using var admin = await AdminAsync();
        var target = await EntriesAboutAsync(30);
        var newest = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == target).MaxAsync(e => e.Id));

        // Act
        var page = await Html.GetPageAsync(admin.Client, $"/AdminAudit?Target={target}&page=2");

        // Assert
        Assert.Equal(newest, AuditIds(page)[0]);
        Assert.Equal(25, AuditIds(page).Count);
    }

    /// <summary>Accounts whose addresses start with one prefix of their own (the list's search selects them alone).</summary>
    private async Task<List<string>> AccountsAsync(string prefix, IEnumerable<string> names, Func<ApplicationUser, UserManager<ApplicationUser>, Task>? change = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var ids = new List<string>();
        foreach (var name in names)
        {
            var email = $"{prefix}{name}@example.test";
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedUtc = factory.Clock.UtcNow };
            Assert.True((await users.CreateAsync(user, FraudWebFactory.Password)).Succeeded);
            if (change is not null) await change(user, users);
            ids.Add(user.Id);
        }
        return ids;
    }

    private static List<string> UserIds(IHtmlDocument page) => [.. page.QuerySelectorAll("tr[data-user-id]").Select(r => r.GetAttribute("data-user-id")!)];

    [Fact]
    public async Task UsersIndex_AccountCreatedBeforeTheCursorBetweenPages_NextPageNeitherRepeatsNorSkips()
    {
        // Arrange: 25 accounts, the first page of 20 read, then an account whose address sorts first
        using var admin = await AdminAsync();
        var prefix = "pg" + Guid.NewGuid().ToString("N")[..8];
        var ids = await AccountsAsync(prefix, Enumerable.Range(10, 25).Select(i => $"b{i}"));
        var first = await Html.GetPageAsync(admin.Client, $"/AdminUsers?Search={prefix}&Role=");
        await AccountsAsync(prefix, ["a00"]);

        // Act
        var next = await Html.GetPageAsync(admin.Client, Href(first, "next-users"));

        // Assert: the first 20 addresses, then the other 5 (an offset would have shown the 20th again)
        Assert.Equal(ids[..20], UserIds(first));
        Assert.Equal(ids[20..], UserIds(next));
        Assert.Contains($"Search={prefix}", Href(first, "next-users"), StringComparison.Ordinal);
        Assert.Contains("26 users in all", next.Body!.TextContent, StringComparison.Ordinal);
        // The link carries an account's id, not its address (review: addresses in URLs reach access logs).
        var cursor = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(new Uri("http://x"), Href(first, "next-users")).Query)["cursor"].ToString();
        Assert.Equal(FraudWeb.Services.Paging.AccountCursor.AfterRow(ids[19]).Encode(), cursor);
    }

    [Fact]
    public async Task UsersIndex_PreviousFromTheSecondPage_FirstPageWithTheRoleFilterKept()
    {
        // Arrange: 22 analysts and a card holder between them in address order
        using var admin = await AdminAsync();
        var prefix = "pr" + Guid.NewGuid().ToString("N")[..8];
        var analysts = await AccountsAsync(prefix, Enumerable.Range(10, 22).Select(i => $"b{i}"), (u, users) => users.AddToRoleAsync(u, Roles.Analyst));
        await AccountsAsync(prefix, ["b15x"], (u, users) => users.AddToRoleAsync(u, Roles.Customer));
        var first = await Html.GetPageAsync(admin.Client, $"/AdminUsers?Search={prefix}&Role={Roles.Analyst}");
        var next = await Html.GetPageAsync(admin.Client, Href(first, "next-users"));

        // Act
        var previous = await Html.GetPageAsync(admin.Client, Href(next, "previous-users"));

        // Assert
        Assert.Equal(analysts[..20], UserIds(first));
        Assert.Equal(analysts[20..], UserIds(next));
        Assert.Equal(analysts[..20], UserIds(previous));
        Assert.Contains($"Role={Roles.Analyst}", Href(next, "previous-users"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dGE6Ojo6")] // "ta::::"
    [InlineData("dWE6QUE")] // "ua:AA": an id of one NUL, which PostgreSQL refuses in a parameter (review: a 500)
    [InlineData("dWE6")] // "ua:": no id
    public async Task UsersIndex_TamperedCursor_FirstPageWithAMessageAndTheFiltersKept(string cursor)
    {
        // Arrange
        using var admin = await AdminAsync();

        // Act
        var response = await admin.Client.GetAsync(new Uri($"/AdminUsers?Role=Admin&cursor={cursor}", UriKind.Relative));
        var page = await Html.GetPageAsync(admin.Client, Html.Location(response));

        // Assert
        Assert.Equal("/AdminUsers?Role=Admin", Html.Location(response));
        Assert.Equal("That page of the list was not found; here is its first page.", page.QuerySelector("[data-testid=admin-error]")!.TextContent.Trim());
    }

    [Fact]
    public async Task UsersIndex_TheAddressStartWithItsAt_FindsThatAccountOnly()
    {
        // Arrange: two addresses, one the start of the other's local part
        using var admin = await AdminAsync();
        var prefix = "at" + Guid.NewGuid().ToString("N")[..8];
        var ids = await AccountsAsync(prefix, ["x", "xy"]);

        // Act: an address as administrators type it, in another case
        var page = await Html.GetPageAsTypedAsync(admin.Client, "/AdminUsers?Search=" + Uri.EscapeDataString($"{prefix.ToUpperInvariant()}X@"));

        // Assert
        Assert.Equal([ids[0]], UserIds(page));
    }

    [GeneratedRegex(@"(\d+) locked\.")]
    private static partial Regex LockedCount();

    private static async Task<int> DashboardLockedAsync(HttpClient client) =>
        int.Parse(LockedCount().Match((await Html.GetPageAsync(client, "/Staff")).QuerySelector("[data-testid=users-panel]")!.TextContent).Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task UsersIndexAndDashboard_AdministratorsLockRunningAndExpiredLockouts_OnlyTheLockedShownAndCounted()
    {
        // Arrange: an administrator's lock (DateTimeOffset.MaxValue), a sign-in lockout still running, one expired, none
        using var admin = await AdminAsync();
        var before = await DashboardLockedAsync(admin.Client);
        var prefix = "lk" + Guid.NewGuid().ToString("N")[..8];
        var now = factory.Clock.GetUtcNow();
        var ids = await AccountsAsync(prefix, ["a-admin", "b-running", "c-expired", "d-never"], async (u, users) =>
        {
            DateTimeOffset? end = u.Email![prefix.Length] switch { 'a' => AdminLock.Until, 'b' => now.AddMinutes(10), 'c' => now.AddMinutes(-1), _ => null };
            Assert.True((await users.SetLockoutEnabledAsync(u, true)).Succeeded);
            Assert.True((await users.SetLockoutEndDateAsync(u, end)).Succeeded);
        });

        // Act
        var list = await Html.GetPageAsync(admin.Client, $"/AdminUsers?Search={prefix}");
        var locked = await Html.GetPageAsync(admin.Client, $"/AdminUsers?Search={prefix}&Status=locked");
        var active = await Html.GetPageAsync(admin.Client, $"/AdminUsers?Search={prefix}&Status=active");
        var after = await DashboardLockedAsync(admin.Client);

        // Assert
        bool Badge(string id) => list.QuerySelector($"tr[data-user-id='{id}']")!.TextContent.Contains("Locked", StringComparison.Ordinal);
        Assert.Equal([true, true, false, false], ids.Select(Badge));
        Assert.Equal(ids[..2], UserIds(locked));
        Assert.Equal(ids[2..], UserIds(active));
        Assert.Equal(before + 2, after);
    }

    [Fact]
    public async Task AuditLog_MoreEntriesThanTheCountStopsAt_SaysMoreThanAndStillPages()
    {
        // Arrange (volume review: the exact count read every matching entry, 60-90 ms at 500,000 on PostgreSQL)
        using var admin = await AdminAsync();
        var target = await EntriesAboutAsync(AuditViewModelBuilder.CountCap + 1);

        // Act
        var page = await Html.GetPageAsync(admin.Client, $"/AdminAudit?Target={target}");

        // Assert
        Assert.Equal($"More than {AuditViewModelBuilder.CountCap.ToString("N0", CultureInfo.InvariantCulture)} entries", page.QuerySelector("[data-testid=entry-count]")!.TextContent.Trim());
        Assert.Equal(AuditViewModelBuilder.PageSize, AuditIds(page).Count);
        Assert.NotNull(page.QuerySelector("[data-testid=older-entries]"));
    }
}
