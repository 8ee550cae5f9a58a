using System.Net;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>
/// The card lookup is the page of whoever holds <c>cards.block</c> (docs/decisions/0030): a role granted that alone (a
/// call centre's) finds a card and blocks it from there; nobody without it reaches the page or its lookups.
/// </summary>
public sealed class CardLookupPermissionTests
{
    [Fact]
    public async Task Index_RoleGrantedOnlyCardsBlock_ReachesThePageFromTheNavigationAndBlocksACard()
    {
        // Arrange: analysts reduced to cards.block, as a call centre's role would be.
        using var factory = new AdminFactory();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Analyst}", "/AdminRoles", [new("permissions", Permissions.CardsBlock)]);
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        using var agent = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst)));

        // Act
        var dashboard = await Html.GetPageAsync(agent.Client, "/Staff");
        var link = dashboard.QuerySelector("[data-testid=nav-card-lookup]")?.GetAttribute("href");
        var lookedUp = await agent.PostAsync("/CardLookup/ByEmail", "/CardLookup", [new("ByEmail.Email", holder.Email)]);
        var page = await Html.GetPageAsync(agent.Client, "/CardLookup");
        var form = page.QuerySelector($"[data-card-id='{card}'] [data-testid=block-card] form")!;
        var blocked = await agent.PostAsync(form.GetAttribute("action")!, "/CardLookup",
            [new("Reason", nameof(CardBlockReason.HolderRequest)), new("returnUrl", "/CardLookup")]);

        // Assert: the link in the navigation and the dashboard's panel, and nothing of the review queue's.
        Assert.Equal("/CardLookup", link);
        Assert.NotNull(dashboard.QuerySelector("[data-testid=cards-panel]"));
        Assert.Null(dashboard.QuerySelector("[data-testid=queue-panel]"));
        Assert.Equal("/CardLookup", Html.Location(lookedUp));
        Assert.Equal("/CardLookup", Html.Location(blocked));
        Assert.Equal(CardStop.Blocked, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Fact]
    public async Task Index_CardHolderOrRoleWithoutCardsBlock_DeniedPageAndLookups()
    {
        // Arrange: a card holder, and an analyst whose role lost cards.block.
        using var factory = new AdminFactory();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var kept = Permissions.DefaultGrants[Roles.Analyst].Where(p => p != Permissions.CardsBlock).Select(p => new KeyValuePair<string, string>("permissions", p));
        await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Analyst}", "/AdminRoles", kept);
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await holder.AddCardAsync();
        using var analyst = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst)));
        var failures = new List<string>();

        // Act + Assert
        foreach (var (who, client) in new[] { ("holder", holder.Client), ("analyst", analyst.Client) })
        {
            var get = await client.GetAsync(new Uri("/CardLookup", UriKind.Relative));
            if (!Denied(get)) failures.Add($"{who} GET: {(int)get.StatusCode}");
            var byEmail = await Html.SubmitAsync(client, "/CardLookup/ByEmail", [new("ByEmail.Email", holder.Email)], "/");
            if (!Denied(byEmail)) failures.Add($"{who} ByEmail: {(int)byEmail.StatusCode}");
            var home = await Html.GetPageAsync(client, "/");
            if (home.QuerySelector("[data-testid=nav-card-lookup]") is not null) failures.Add($"{who} has the navigation link");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(0, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == FraudWeb.Services.Admin.AuditActions.CardLookup)));
    }

    [Fact]
    public async Task ByNumber_OverTheStaffMembersLimit_429AndNoLookup()
    {
        // Arrange: two lookups per window (the default is 30 in 10 minutes per staff member).
        using var factory = new AdminFactory();
        factory.Settings["RateLimits:CardLookup:PerAccount"] = "2";
        using var analyst = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst)));
        var number = Builders.TestCards.NewVisa();

        // Act
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await analyst.PostAsync("/CardLookup/ByNumber", "/CardLookup", [new("ByNumber.CardNumber", number)])).StatusCode);

        // Assert
        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == FraudWeb.Services.Admin.AuditActions.CardLookup)));
    }

    [Fact]
    public async Task CardListSearch_WholeNumberLastFourAndName_EachAuditedAsALookupUnderTheSameLimit()
    {
        // Arrange (review: a card list's search answered "is this number on file, whose is it" as the lookup page does,
        // with neither its audit nor its limit): three lookups a window, one spent on the lookup page.
        using var factory = new AdminFactory();
        factory.Settings["RateLimits:CardLookup:PerAccount"] = "3";
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var form = new Builders.CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(form)).StatusCode);
        var card = (await holder.CardIdsAsync()).Single();
        using var analyst = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst)));
        var list = (await analyst.PostAsync("/RuleLists/Create", "/RuleLists/Create",
            [new("Name", "looked_up"), new("Kind", nameof(FraudWeb.Domain.Rules.RuleListKind.Card)), new("Purpose", nameof(FraudWeb.Domain.Rules.RuleListPurpose.Block)), new("Description", "test list")]));
        var details = Html.Location(list);
        var search = details.Replace("/Details/", "/SearchCards/", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.PostAsync("/CardLookup/ByNumber", "/CardLookup", [new("ByNumber.CardNumber", Builders.TestCards.NewVisa())])).StatusCode);

        // Act
        var byNumber = await analyst.PostAsync(search, details, [new("q", form.Number)]);
        var byName = await analyst.PostAsync(search, details, [new("q", "LOVEL")]);
        var overTheLimit = await analyst.PostAsync(search, details, [new("q", form.Number[^4..])]);
        var address = await analyst.Client.GetAsync(new Uri(details + "?q=" + form.Number[^4..], UriKind.Relative));

        // Assert: both searches found the card and were audited as lookups of it; the third was refused; the address finds no cards
        foreach (var found in new[] { byNumber, byName })
        {
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Contains((await Html.ParseAsync(found)).QuerySelectorAll("[data-testid=candidate] input[name=Entry]"), e => e.GetAttribute("value") == card.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, overTheLimit.StatusCode);
        Assert.Empty((await Html.ParseAsync(address)).QuerySelectorAll("[data-testid=candidate]"));
        var lookups = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(a => a.Action == FraudWeb.Services.Admin.AuditActions.CardLookup
            && a.TargetId == card.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(a => a.After).ToListAsync());
        Assert.Equal(2, lookups.Count);
        Assert.Contains(lookups, a => a!.Contains("\"CardNumber\"", StringComparison.Ordinal));
        Assert.Contains(lookups, a => a!.Contains("\"Name\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lookups, a => a!.Contains(form.Number, StringComparison.Ordinal) || a.Contains("LOVEL", StringComparison.Ordinal));
    }

    private static bool Denied(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Redirect && Html.Location(response).Contains("/Account/AccessDenied", StringComparison.Ordinal));
}
