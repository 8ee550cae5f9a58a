using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Reports;
using FraudWeb.Tests.Web.Rules;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Staff;

/// <summary>Staff land on a dashboard of what waits for them; the navigation shows each person only what they may use.</summary>
public sealed partial class StaffDashboardTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    private static (int Reports, int Held) QueueCounts(IDocument page)
    {
        var match = QueueSummary().Match(page.QuerySelector("[data-testid=queue-summary]")!.TextContent);
        return match.Success
            ? (int.Parse(match.Groups["reports"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["held"].Value, CultureInfo.InvariantCulture))
            : (0, 0);
    }

    private static List<string> NavLinks(IDocument page) =>
        page.QuerySelectorAll("nav[aria-label='Main navigation'] a.nav-link").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public async Task Index_HeldPaymentsAndAReportAdded_QueueCountsRiseByThem()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var before = QueueCounts(await Html.GetPageAsync(analyst.Client, "/Staff"));
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var held = new List<long>();
        for (var i = 0; i < 3; i++) held.Add(await holder.PayAndGetIdAsync(card, merchant, 20m + i));
        await holder.ReportAsync(held[0], ReportKind.ThisWasMe, "That was me, at the florist.");

        // Act
        var after = QueueCounts(await Html.GetPageAsync(analyst.Client, "/Staff"));

        // Assert: the reported payment moved from "held" to "reports"
        Assert.Equal(before.Reports + 1, after.Reports);
        Assert.Equal(before.Held + 2, after.Held);
    }

    private static (int Enabled, int AwaitingBacktest, int AwaitingEnable) RuleCounts(IDocument page)
    {
        var numbers = Number().Matches(page.QuerySelector("[data-testid=rules-summary]")!.TextContent).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
        var ready = page.QuerySelector("[data-testid=rules-ready]") is { } p ? int.Parse(Number().Match(p.TextContent).Value, CultureInfo.InvariantCulture) : 0;
        return (numbers[0], numbers[1], ready);
    }

    [Fact]
    public async Task Index_TwoDraftsOneBacktested_OneWaitsForABacktestAndOneToBeEnabled()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var before = RuleCounts(await Html.GetPageAsync(analyst.Client, "/Staff"));
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await analyst.CreateRuleAsync("panel-untested-" + suffix, RuleAction.Review, "amount > 901");
        var tested = await analyst.CreateRuleAsync("panel-tested-" + suffix, RuleAction.Review, "amount > 902");
        await analyst.BacktestAsync(tested, 7);

        // Act
        var after = RuleCounts(await Html.GetPageAsync(analyst.Client, "/Staff"));

        // Assert
        Assert.Equal((before.Enabled, before.AwaitingBacktest + 1, before.AwaitingEnable + 1), after);
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();

    [Fact]
    public async Task SignIn_Analyst_LandsOnDashboardWithStaffNavigationOnly()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act: where signing in sends everyone
        var landing = await analyst.Client.GetAsync(new Uri("/Profile", UriKind.Relative));
        var page = await Html.GetPageAsync(analyst.Client, "/Staff");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, landing.StatusCode);
        Assert.Equal("/Staff", Html.Location(landing));
        Assert.NotNull(page.QuerySelector("[data-testid=queue-panel]"));
        Assert.NotNull(page.QuerySelector("[data-testid=model-panel]"));
        Assert.Null(page.QuerySelector("[data-testid=users-panel]"));
        var links = NavLinks(page);
        Assert.Contains("Dashboard", links);
        Assert.Contains("Review queue", links);
        Assert.DoesNotContain("New payment", links);
        Assert.DoesNotContain("My profile", links);
        Assert.DoesNotContain("Add a card", links);
        Assert.DoesNotContain("Administration", links);
    }

    [Fact]
    public async Task Index_Admin_ShowsPeopleQueueAndServingModel()
    {
        // Arrange
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);

        // Act
        var page = await Html.GetPageAsync(admin.Client, "/Staff");

        // Assert: administrators review too, so the queue is theirs as well
        Assert.NotNull(page.QuerySelector("[data-testid=users-panel]"));
        Assert.NotNull(page.QuerySelector("[data-testid=queue-panel]"));
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-testid=model-serving]")?.TextContent));
        Assert.Matches(@"^\d\.\d{4} / \d\.\d{4}$", page.QuerySelector("[data-testid=model-metrics]")!.TextContent.Trim());
        Assert.Contains("Review queue", NavLinks(page));
    }

    [Fact]
    public async Task Layout_CardHolder_CardLinksAndNoDashboard()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var page = await Html.GetPageAsync(holder.Client, "/Profile");
        var dashboard = await holder.Client.GetAsync(new Uri("/Staff", UriKind.Relative));

        // Assert
        var links = NavLinks(page);
        Assert.Contains("New payment", links);
        Assert.Contains("My profile", links);
        Assert.DoesNotContain("Dashboard", links);
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Contains("/Account/AccessDenied", Html.Location(dashboard), StringComparison.Ordinal);
    }

    private static int StaffCount(IDocument page) =>
        int.Parse(PeopleSummary().Match(page.QuerySelector("[data-testid=users-panel]")!.TextContent).Groups["staff"].Value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Index_StaffMemberWithBothStaffRoles_CountedOnceAmongStaff()
    {
        // Arrange: the count is read from the role rows, where a person with two staff roles has two
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var before = StaffCount(await Html.GetPageAsync(admin.Client, "/Staff"));
        using var both = await CardHolderSession.RegisteredAsync(factory);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await users.FindByEmailAsync(both.Email) ?? throw new InvalidOperationException("User not found.");
            Assert.True((await users.AddToRolesAsync(user, [Roles.Analyst, Roles.Admin])).Succeeded);
        }

        // Act
        var after = StaffCount(await Html.GetPageAsync(admin.Client, "/Staff"));

        // Assert
        Assert.Equal(before + 1, after);
    }

    [GeneratedRegex(@"(?<accounts>\d+) accounts, (?<staff>\d+) staff")]
    private static partial Regex PeopleSummary();

    [GeneratedRegex(@"(?<reports>\d+) open reports?, (?<held>\d+) held payments?")]
    private static partial Regex QueueSummary();
}
