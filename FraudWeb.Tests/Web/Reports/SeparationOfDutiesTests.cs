using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Rules;
using FraudWeb.Services.Rules;
using FraudWeb.Domain.Rules;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>An analyst never decides a payment on their own card (no self-refund); every decision is audited.</summary>
public sealed class SeparationOfDutiesTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    /// <summary>A card holder with a held payment who is also an analyst, signed in again to get the new role.</summary>
    private async Task<(CardHolderSession Analyst, long TransactionId)> AnalystWithOwnHeldPaymentAsync()
    {
        var (holder, _, id) = await factory.NewHolderPaidAsync(250m, ControlledRiskModel.HeldProbability, Decision.Review);
        await MakeAnalystAsync(holder);
        return (holder, id);
    }

    /// <summary>Gives the card holder the Analyst role too, and signs them in again to get it.</summary>
    private async Task MakeAnalystAsync(CardHolderSession holder)
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByEmailAsync(holder.Email))!, Roles.Analyst)).Succeeded);
        }
        await holder.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.SignInAsync(FraudWebFactory.Password)).StatusCode);
    }

    /// <summary>
    /// The decision the queue would post for this item, sent by the analyst whose own card paid it: their page offers
    /// no such form, so its fields are read from another analyst's page and sent with the analyst's own token.
    /// </summary>
    private async Task<HttpResponseMessage> CraftedDecisionAsync(CardHolderSession analyst, long transactionId, bool confirm)
    {
        using var other = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var form = await other.DecisionFormAsync(transactionId);
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(analyst.Client, "/Review"));
        var fields = form.Fields.Select(f => f.Key == "__RequestVerificationToken" ? new KeyValuePair<string, string>(f.Key, token) : f).ToList();
        return await (form with { Analyst = analyst, Fields = fields }).SubmitAsync(confirm);
    }

    private Task<List<AuditEntry>> DecisionsOnAsync(long transactionId) =>
        factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.Action == AuditActions.ReviewDecide && e.TargetId == transactionId.ToString()).ToListAsync());

    [Fact]
    public async Task Decide_HeldPaymentOnOwnCard_RefusedAndUnlabelled()
    {
        // Arrange
        var (analyst, id) = await AnalystWithOwnHeldPaymentAsync();
        using var _ = analyst;

        // Act
        var response = await CraftedDecisionAsync(analyst, id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(FraudLabel.Unknown, (await factory.TransactionAsync(id)).Label);
        Assert.Empty(await DecisionsOnAsync(id));
    }

    [Fact]
    public async Task Assign_HeldPaymentOnOwnCard_RefusedAndTheQueueOffersNeitherDecisionNorAssignment()
    {
        // Arrange (exploratory testing: the analyst could take it, though never decide it)
        var (analyst, id) = await AnalystWithOwnHeldPaymentAsync();
        using var _ = analyst;
        var transactionId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Act
        var response = await Html.SubmitAsync(analyst.Client, "/Review/Assign",
            new Dictionary<string, string> { ["transactionId"] = transactionId, ["assign"] = "true" }, "/Review");
        var queue = await Html.GetPageAsync(analyst.Client, Html.Location(response));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(await factory.QueryAsync(db => db.ReviewAssignments.AnyAsync(a => a.TransactionId == id)));
        Assert.Contains("You cannot take a payment made with your own card", queue.Body!.TextContent, StringComparison.Ordinal);
        var item = queue.QuerySelector($"[data-testid=review-item][data-transaction-id='{transactionId}']")!;
        Assert.NotNull(item.QuerySelector("[data-testid=own-card]"));
        Assert.Null(item.QuerySelector("[data-testid=decide-fraud]"));
        Assert.Null(item.QuerySelector("[data-testid=assign]"));
        Assert.DoesNotContain(await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == transactionId).Select(e => e.Action).ToListAsync()),
            a => a == AuditActions.ReviewAssign);
    }

    [Fact]
    public async Task Decide_ReportOnOwnCard_RefusedAndReportStaysOpen()
    {
        // Arrange
        var (analyst, id) = await AnalystWithOwnHeldPaymentAsync();
        using var _ = analyst;
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.ReportAsync(id, ReportKind.ThisWasMe, "That was me, buying a present.")).StatusCode);

        // Act
        var response = await CraftedDecisionAsync(analyst, id, confirm: true);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(ReportStatus.Open, (await factory.ReportOfAsync(id)).Status);
        Assert.Equal(FraudLabel.Unknown, (await factory.TransactionAsync(id)).Label);
    }

    [Fact]
    public async Task Decide_AnotherAnalyst_DecisionAuditedWithOutcome()
    {
        // Arrange
        var (holder, _, id) = await factory.NewHolderPaidAsync(250m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;

        // Act
        var response = await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(FraudLabel.Legitimate, (await factory.TransactionAsync(id)).Label);
        var entry = Assert.Single(await DecisionsOnAsync(id));
        Assert.Contains("Legitimate", entry.After, StringComparison.Ordinal);
    }

    private async Task<(CardHolderSession Analyst, long CardId)> AnalystWithOwnCardAsync()
    {
        var (holder, cardId, _) = await factory.NewHolderPaidAsync(20m, 0.01, Decision.Approved);
        await MakeAnalystAsync(holder);
        return (holder, cardId);
    }

    private Task<int> ListedAsync(long listId) => factory.QueryAsync(db => db.RuleListEntries.CountAsync(e => e.ListId == listId && e.RemovedUtc == null));

    [Fact]
    public async Task AddToList_OwnCardOnAnAllowList_RefusedAndNotListed()
    {
        // Arrange
        var (analyst, cardId) = await AnalystWithOwnCardAsync();
        using var _ = analyst;
        var listId = await analyst.CreateListAsync("own_" + Guid.NewGuid().ToString("N")[..8], RuleListKind.Card, RuleListPurpose.Allow);

        // Act
        var response = await analyst.AddToListAsync(listId, RuleSteps.Id(cardId), "a trusted customer");

        // Assert: allowed, the card's payments would skip the model; its holder cannot be the one to allow it.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(RuleListService.OwnCard, Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.Equal(0, await ListedAsync(listId));
    }

    [Fact]
    public async Task RemoveFromList_OwnCardOnABlockList_RefusedAndStillListed()
    {
        // Arrange: another analyst blocks the card.
        var (analyst, cardId) = await AnalystWithOwnCardAsync();
        using var _ = analyst;
        using var colleague = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var listId = await colleague.CreateListAsync("block_" + Guid.NewGuid().ToString("N")[..8], RuleListKind.Card, RuleListPurpose.Block);
        Assert.Equal(HttpStatusCode.Redirect, (await colleague.AddToListAsync(listId, RuleSteps.Id(cardId), "reported stolen")).StatusCode);
        var entryId = await factory.QueryAsync(db => db.RuleListEntries.Where(e => e.ListId == listId).Select(e => e.Id).SingleAsync());

        // Act
        var response = await Html.SubmitAsync(analyst.Client, $"/RuleLists/Remove/{RuleSteps.Id(listId)}",
            new Dictionary<string, string> { ["EntryId"] = RuleSteps.Id(entryId), ["Reason"] = "found it again" }, $"/RuleLists/Details/{RuleSteps.Id(listId)}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(RuleListService.OwnCard, Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.Equal(1, await ListedAsync(listId));
    }
}
