using System.Globalization;
using FraudWeb.Authorization;
using System.Net;
using AngleSharp.Html.Dom;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Reports;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>The queue as analysts' tools have it: filters by kind, risk, age, card or merchant, and assignment to oneself.</summary>
public sealed class ReviewQueueFilterTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    /// <summary>A new holder's card (its last 4 digits) with a held payment at each risk, the first reported as "not me".</summary>
    private async Task<(string Last4, long Reported, long HeldLow, long HeldHigh)> HolderWithQueueItemsAsync()
    {
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var reported = await factory.PayAtRiskAsync(holder, card, 30m, 0.655);
        var low = await factory.PayAtRiskAsync(holder, card, 31m, 0.655);
        var high = await factory.PayAtRiskAsync(holder, card, 32m, 0.735);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(reported, ReportKind.NotMe, "I never shopped there.")).StatusCode);
        var last4 = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.Last4).SingleAsync());
        return (last4, reported, low, high);
    }

    /// <summary>Every item on every page of the queue as filtered by <paramref name="filters"/>: id, risk, assignee badge.</summary>
    private static async Task<List<(long Id, int Risk, string? Assignee)>> QueueAsync(CardHolderSession analyst, string filters)
    {
        var items = new List<(long, int, string?)>();
        await foreach (var document in analyst.QueuePagesAsync(filters))
        {
            items.AddRange(document.QuerySelectorAll("[data-testid=review-item]").Select(i => (
                long.Parse(i.GetAttribute("data-transaction-id")!, CultureInfo.InvariantCulture),
                int.Parse(i.QuerySelector("[data-testid=risk]")!.TextContent.Replace("Risk", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture),
                i.QuerySelector("[data-testid=assignee]")?.TextContent.Trim())));
        }
        return items;
    }

    /// <summary>The assignment form as a fresh page shows it (naming whom the payment is assigned to now).</summary>
    private async Task<HttpResponseMessage> AssignAsync(CardHolderSession analyst, long transactionId, bool assign)
    {
        var shown = await factory.QueryAsync(db => db.ReviewAssignments.Where(a => a.TransactionId == transactionId).Select(a => a.AssigneeId).FirstOrDefaultAsync());
        return await Html.SubmitAsync(analyst.Client, "/Review/Assign", new Dictionary<string, string>
        {
            ["transactionId"] = transactionId.ToString(CultureInfo.InvariantCulture),
            ["assign"] = assign ? "true" : "false",
            ["seenAssignee"] = shown ?? "",
        }, "/Review");
    }

    [Fact]
    public async Task Index_MerchantByNumberOrNameInAnotherCase_FoundAsThePaymentFormFindsIt()
    {
        // Arrange (exploratory testing: the queue's search was a plain LIKE: "cafe" missed "Café", numbers found nothing)
        var (_, reported, low, high) = await HolderWithQueueItemsAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var name = await factory.QueryAsync(db => db.Terminals.Where(t => t.Id == merchant).Select(t => t.Name).SingleAsync());

        // Act
        var byNumber = await QueueAsync(analyst, "Search=" + Uri.EscapeDataString("#" + merchant.ToString(CultureInfo.InvariantCulture)));
        var byName = await QueueAsync(analyst, "Search=" + Uri.EscapeDataString(name.ToUpperInvariant()));

        // Assert
        long[] ours = [reported, low, high];
        Assert.Equal(ours.Order(), byNumber.Select(i => i.Id).Intersect(ours).Order());
        Assert.Equal(ours.Order(), byName.Select(i => i.Id).Intersect(ours).Order());
    }

    [Fact]
    public async Task Index_WholeCardNumberPastedAsTheSearch_SearchesItsLast4AndNeverShowsTheNumber()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var form = new FraudWeb.Tests.Builders.CardFormBuilder().WithCreditLimit(20000m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(form)).StatusCode);
        var card = (await holder.CardIdsAsync()).Single();
        var held = await factory.PayAtRiskAsync(holder, card, 33m, 0.655);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var spaced = string.Join(' ', form.Number.Chunk(4).Select(c => new string(c)));

        // Act: sent on to the last 4 first (CardNumberInAddressMiddleware), then the queue
        using var redirect = await analyst.Client.GetAsync(new Uri($"/Review?Search={Uri.EscapeDataString(spaced)}", UriKind.Relative));
        var response = await analyst.Client.GetAsync(redirect.Headers.Location);
        var html = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.Equal($"/Review?Search={form.Number[^4..]}", redirect.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains(page.QuerySelectorAll("[data-testid=review-item]"), i => i.GetAttribute("data-transaction-id") == held.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(form.Number[^4..], page.QuerySelector("input#Search")!.GetAttribute("value"));
        Assert.DoesNotContain(form.Number, html, StringComparison.Ordinal);
        Assert.DoesNotContain(spaced, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_CardLast4AndKind_ListsOnlyThatCardsItemsOfThatKind()
    {
        // Arrange
        var (last4, reported, low, high) = await HolderWithQueueItemsAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var card = await QueueAsync(analyst, $"Search={last4}");
        var held = await QueueAsync(analyst, $"Search={last4}&Kind=held");
        var notMe = await QueueAsync(analyst, $"Search={last4}&Kind=not-me");
        var thisWasMe = await QueueAsync(analyst, $"Search={last4}&Kind=this-was-me");

        // Assert (other holders' cards may share the last 4 digits: only ours are checked to be in or out)
        long[] ours = [reported, low, high];
        Assert.Equal(ours.Order(), card.Select(i => i.Id).Intersect(ours).Order());
        Assert.Equal(new[] { low, high }.Order(), held.Select(i => i.Id).Intersect(ours).Order());
        Assert.Equal([reported], notMe.Select(i => i.Id).Intersect(ours));
        Assert.Empty(thisWasMe.Select(i => i.Id).Intersect(ours));
    }

    [Fact]
    public async Task Index_HeldByRuleOrByModel_SplitsTheHeldPaymentsByWhyTheyWereHeld()
    {
        // Arrange: of two held payments, one was decided by an analysts' rule (the payment names the rule)
        var (last4, reported, low, high) = await HolderWithQueueItemsAsync();
        await factory.QueryAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"Transactions\" SET \"RuleId\" = 1 WHERE \"Id\" = {high}"));
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var byRule = await QueueAsync(analyst, $"Search={last4}&Kind=held-rule");
        var byModel = await QueueAsync(analyst, $"Search={last4}&Kind=held-model");

        // Assert: the reported one is in neither (it waits for its report)
        long[] ours = [reported, low, high];
        Assert.Equal([high], byRule.Select(i => i.Id).Intersect(ours));
        Assert.Equal([low], byModel.Select(i => i.Id).Intersect(ours));
    }

    [Fact]
    public async Task Index_RiskRangeAndAge_Respected()
    {
        // Arrange
        var (last4, _, low, high) = await HolderWithQueueItemsAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var all = await QueueAsync(analyst, $"Search={last4}");
        var lowRisk = all.Single(i => i.Id == low).Risk;
        var highRisk = all.Single(i => i.Id == high).Risk;
        Assert.True(highRisk > lowRisk);

        // Act
        var fromHigh = await QueueAsync(analyst, $"Search={last4}&MinRisk={highRisk}");
        var upToLow = await QueueAsync(analyst, $"Search={last4}&MaxRisk={lowRisk}");
        var olderThanAnHour = await QueueAsync(analyst, $"Search={last4}&Age=1h");

        // Assert
        Assert.All(fromHigh, i => Assert.True(i.Risk >= highRisk));
        Assert.Contains(fromHigh, i => i.Id == high);
        Assert.All(upToLow, i => Assert.True(i.Risk <= lowRisk));
        Assert.Contains(upToLow, i => i.Id == low);
        Assert.DoesNotContain(olderThanAnHour, i => i.Id == low || i.Id == high);
    }

    [Fact]
    public async Task Index_RiskFromAboveRiskTo_RangeLeftOutOtherFiltersKeptWithAMessageSayingWhy()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.Client.GetAsync(new Uri("/Review?MinRisk=90&MaxRisk=10&Kind=held&Search=4242", UriKind.Relative));
        var page = await Html.GetPageAsync(analyst.Client, Html.Location(response));

        // Assert: not "0 of 0 match" as if the queue were empty, and the filters that made sense still apply.
        Assert.Equal("/Review?Kind=held&Search=4242", Html.Location(response));
        Assert.Contains("'Risk from' is above 'Risk to'", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_UnknownKindAndAnOldPageNumber_KindLeftOutOtherFiltersKept()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.Client.GetAsync(new Uri("/Review?Kind=stolen&Age=24h&Assigned=me&Page=0", UriKind.Relative));
        var page = await Html.GetPageAsync(analyst.Client, Html.Location(response));

        // Assert
        Assert.Equal("/Review?Age=24h&Assigned=me", Html.Location(response));
        Assert.Contains("Some filters were not understood and were left out.", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_NoChoiceFromAFilteredQueue_BackToTheSameFiltersWithTheError()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var (last4, _, low, _) = await HolderWithQueueItemsAsync();

        // Act: a decision without its choice
        var response = await Html.SubmitAsync(analyst.Client, "/Review/Decide", new Dictionary<string, string>
        {
            ["TransactionId"] = low.ToString(CultureInfo.InvariantCulture),
            ["Search"] = last4,
            ["Kind"] = "held",
        }, "/Review");
        var page = await Html.GetPageAsync(analyst.Client, Html.Location(response));

        // Assert
        Assert.Equal($"/Review?Kind=held&Search={last4}", Html.Location(response));
        Assert.Equal("Choose fraud or legitimate.", page.QuerySelector("[data-testid=review-error]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Index_MerchantName_MatchesPartOfTheName()
    {
        // Arrange
        var (_, _, low, _) = await HolderWithQueueItemsAsync();
        var name = await factory.QueryAsync(db => db.Transactions.Where(t => t.Id == low).Select(t => t.Terminal!.Name).SingleAsync());
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var found = await QueueAsync(analyst, "Search=" + Uri.EscapeDataString(name[..Math.Min(8, name.Length)].ToUpperInvariant()));
        var none = await Html.GetPageAsync(analyst.Client, "/Review?Search=zzqqxxnomerchant");

        // Assert
        Assert.Contains(found, i => i.Id == low);
        Assert.Empty(none.QuerySelectorAll("[data-testid=review-item]"));
        Assert.Equal("Nothing matches these filters.", none.QuerySelector("main p.text-muted:not(.small)")!.TextContent.Trim());
    }

    [Fact]
    public async Task Assign_ToMeThenTakenOverThenGivenBack_ShownAuditedAndFiltered()
    {
        // Arrange
        var (last4, _, low, _) = await HolderWithQueueItemsAsync();
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act + Assert: the first analyst takes it
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(first, low, assign: true)).StatusCode);
        Assert.Equal("Assigned to you", (await QueueAsync(first, $"Search={last4}")).Single(i => i.Id == low).Assignee);
        Assert.Equal([low], (await QueueAsync(first, $"Search={last4}&Assigned=me")).Select(i => i.Id));
        Assert.DoesNotContain(await QueueAsync(first, $"Search={last4}&Assigned=unassigned"), i => i.Id == low);
        Assert.Equal($"Assigned to {first.Email}", (await QueueAsync(second, $"Search={last4}")).Single(i => i.Id == low).Assignee);

        // The second takes it over; the first gives back nothing (it is no longer theirs); the second gives it back
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(second, low, assign: true)).StatusCode);
        var refused = await AssignAsync(first, low, assign: false);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal(ReviewService.TakenOverMeanwhile, (await Html.GetPageAsync(first.Client, Html.Location(refused))).QuerySelector("[data-testid=review-error]")!.TextContent.Trim());
        Assert.Equal("Assigned to you", (await QueueAsync(second, $"Search={last4}")).Single(i => i.Id == low).Assignee);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(second, low, assign: false)).StatusCode);
        Assert.Null((await QueueAsync(first, $"Search={last4}")).Single(i => i.Id == low).Assignee);

        var target = low.ToString(CultureInfo.InvariantCulture);
        var actions = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == target && e.Action.StartsWith("review.")).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal([AuditActions.ReviewAssign, AuditActions.ReviewAssign, AuditActions.ReviewRelease], actions);
    }

    [Fact]
    public async Task DeleteAnalyst_WithAnAssignment_PaymentBackInTheQueueAndTheGiveBackAudited()
    {
        // Arrange
        var (last4, _, low, _) = await HolderWithQueueItemsAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(analyst, low, assign: true)).StatusCode);
        var analystId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == analyst.Email).Select(u => u.Id).SingleAsync());
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var adminId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == admin.Email).Select(u => u.Id).SingleAsync());

        // Act
        var deleted = await Html.SubmitAsync(admin.Client, $"/AdminUsers/Delete/{analystId}", new Dictionary<string, string>(), $"/AdminUsers/Delete/{analystId}");

        // Assert: unassigned in the queue, and the log says who gave it back from whom
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        using var other = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Null((await QueueAsync(other, $"Search={last4}")).Single(i => i.Id == low).Assignee);
        var target = low.ToString(CultureInfo.InvariantCulture);
        var release = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == target && e.Action == AuditActions.ReviewRelease).SingleAsync());
        Assert.Equal(adminId, release.ActorId);
        Assert.Contains(analystId, release.Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockAnalyst_WithAnAssignment_PaymentBackInTheQueueAndTheGiveBackAudited()
    {
        // Arrange (exploratory testing: a locked analyst kept their assignments, outside everyone's "to no one" view)
        var (last4, _, low, _) = await HolderWithQueueItemsAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(analyst, low, assign: true)).StatusCode);
        var analystId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == analyst.Email).Select(u => u.Id).SingleAsync());
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var adminId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == admin.Email).Select(u => u.Id).SingleAsync());

        // Act
        var locked = await Html.SubmitAsync(admin.Client, $"/AdminUsers/Lock/{analystId}", new Dictionary<string, string>(), $"/AdminUsers/Details/{analystId}");

        // Assert: assigned to no one, and the log says who gave it back from whom
        Assert.Equal(HttpStatusCode.Redirect, locked.StatusCode);
        using var other = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Contains(await QueueAsync(other, $"Search={last4}&Assigned=unassigned"), i => i.Id == low);
        var target = low.ToString(CultureInfo.InvariantCulture);
        var release = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == target && e.Action == AuditActions.ReviewRelease).SingleAsync());
        Assert.Equal(adminId, release.ActorId);
        Assert.Contains(analystId, release.Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetRoles_AnalystRoleTakenAway_TheirAssignmentBackInTheQueue()
    {
        // Arrange
        var (last4, _, low, _) = await HolderWithQueueItemsAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(analyst, low, assign: true)).StatusCode);
        var analystId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == analyst.Email).Select(u => u.Id).SingleAsync());
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);

        // Act: no longer an analyst, they can no longer decide it
        var changed = await Html.SubmitAsync(admin.Client, $"/AdminUsers/Roles/{analystId}",
            new Dictionary<string, string> { ["Roles"] = Roles.Customer }, $"/AdminUsers/Details/{analystId}");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        using var other = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Contains(await QueueAsync(other, $"Search={last4}&Assigned=unassigned"), i => i.Id == low);
        Assert.False(await factory.QueryAsync(db => db.ReviewAssignments.AnyAsync(a => a.TransactionId == low)));
    }

    [Fact]
    public async Task RolePermissions_ReviewTakenFromAnalysts_TheirAssignmentsBackInTheQueue()
    {
        // Arrange
        var (_, _, low, _) = await HolderWithQueueItemsAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(analyst, low, assign: true)).StatusCode);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var analystGrants = Permissions.DefaultGrants[Roles.Analyst];
        try
        {
            // Act
            var changed = await Html.SubmitAsync(admin.Client, $"/AdminRoles/Permissions/{Roles.Analyst}",
                analystGrants.Where(p => p != Permissions.ReportsReview).Select(p => new KeyValuePair<string, string>("permissions", p)), "/AdminRoles");

            // Assert
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
            Assert.False(await factory.QueryAsync(db => db.ReviewAssignments.AnyAsync(a => a.TransactionId == low)));
        }
        finally
        {
            // The factory is the class's: the other tests' analysts review.
            Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(admin.Client, $"/AdminRoles/Permissions/{Roles.Analyst}",
                analystGrants.Select(p => new KeyValuePair<string, string>("permissions", p)), "/AdminRoles")).StatusCode);
        }
    }

    [Fact]
    public async Task Assign_GiveBackReadBeforeAnotherAnalystTookOver_RefusedAndTheirAssignmentStays()
    {
        // Arrange: the first analyst's give-back has read the assignment; the second takes the payment over before it saves.
        var (_, _, low, _) = await HolderWithQueueItemsAsync();
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(first, low, assign: true)).StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var read = await db.ReviewAssignments.SingleAsync(a => a.TransactionId == low);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(second, low, assign: true)).StatusCode);

        // Act
        db.ReviewAssignments.Remove(read);
        var saving = db.SaveChangesAsync();

        // Assert: the delete matched nothing (ReviewService.AssignAsync answers "changed meanwhile"); the second keeps it
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => saving);
        var secondId = await factory.QueryAsync(d => d.Users.Where(u => u.Email == second.Email).Select(u => u.Id).SingleAsync());
        Assert.Equal(secondId, await factory.QueryAsync(d => d.ReviewAssignments.Where(a => a.TransactionId == low).Select(a => a.AssigneeId).SingleAsync()));
    }

    [Fact]
    public async Task Assign_DecidedPayment_SaysItNoLongerWaitsAndAssignsNothing()
    {
        // Arrange
        var (_, _, low, _) = await HolderWithQueueItemsAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, low, confirm: false)).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await AssignAsync(analyst, low, assign: true);
        var page = await Html.GetPageAsync(analyst.Client, Html.Location(response));

        // Assert
        Assert.Equal("This payment no longer waits for review.", page.QuerySelector("[data-testid=review-error]")!.TextContent.Trim());
        Assert.False(await factory.QueryAsync(db => db.ReviewAssignments.AnyAsync(a => a.TransactionId == low)));
    }

    [Fact]
    public async Task Decide_AssignedHeldPaymentThenReportedByItsHolder_TheReportWaitsAssignedToNoOne()
    {
        // Arrange: the first analyst takes a held payment; another decides it (legitimate, charged) before them
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20000m);
        var held = await factory.PayAtRiskAsync(holder, card, 33m, 0.655);
        var last4 = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.Last4).SingleAsync());
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(first, held, assign: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, held, confirm: false)).StatusCode);

        // Act: the holder then reports the charge as not theirs, a new item of work
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(held, ReportKind.NotMe, "I never shopped there.")).StatusCode);

        // Assert: the decision ended the first analyst's assignment, so the report is nobody's (not left on them)
        var item = (await QueueAsync(first, $"Search={last4}")).Single(i => i.Id == held);
        Assert.Null(item.Assignee);
        Assert.Contains(await QueueAsync(first, $"Search={last4}&Assigned=unassigned"), i => i.Id == held);
        Assert.False(await factory.QueryAsync(db => db.ReviewAssignments.AnyAsync(a => a.TransactionId == held)));
    }

    [Fact]
    public async Task Decide_FromAFilteredQueue_ReturnsToTheSameFilters()
    {
        // Arrange
        var (last4, _, low, _) = await HolderWithQueueItemsAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var document = await Html.GetPageAsync(analyst.Client, $"/Review?Search={last4}&Kind=held");
        var item = document.QuerySelector($"[data-testid=review-item][data-transaction-id='{low}']")!;
        var form = (IHtmlFormElement)item.QuerySelector("form")!;
        var fields = form.QuerySelectorAll("input[type=hidden]:not([name=__RequestVerificationToken])").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""))
            .Append(new("Confirm", "false"));

        // Act
        var response = await Html.SubmitAsync(analyst.Client, form.GetAttribute("action")!, fields, $"/Review?Search={last4}&Kind=held");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/Review?Kind=held&Search={last4}", Html.Location(response));
    }
}
