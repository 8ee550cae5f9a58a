using System.Globalization;
using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Reports;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>
/// The review queue's assignments and decisions against what others do at the same moment (analyst-side review):
/// another analyst's assignment or decision, the holder closing their account.
/// </summary>
public sealed class ReviewRaceTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Posts the assignment form as a page showed it: <paramref name="seenAssignee"/> is whom it showed (null: no one).</summary>
    private static Task<HttpResponseMessage> AssignAsync(CardHolderSession analyst, long transactionId, string? seenAssignee) =>
        Html.SubmitAsync(analyst.Client, "/Review/Assign", new Dictionary<string, string>
        {
            ["transactionId"] = Id(transactionId),
            ["assign"] = "true",
            ["seenAssignee"] = seenAssignee ?? "",
        }, "/Review");

    private Task<string?> AssigneeAsync(long transactionId) =>
        factory.QueryAsync(db => db.ReviewAssignments.Where(a => a.TransactionId == transactionId).Select(a => (string?)a.AssigneeId).FirstOrDefaultAsync());

    private Task<string> UserIdAsync(CardHolderSession session) =>
        factory.QueryAsync(db => db.Users.Where(u => u.Email == session.Email).Select(u => u.Id).SingleAsync());

    /// <summary>The payment's item as the analyst's queue shows it.</summary>
    private static async Task<AngleSharp.Dom.IElement> ShownItemAsync(CardHolderSession analyst, long transactionId)
    {
        await foreach (var page in analyst.QueuePagesAsync())
        {
            if (page.QuerySelector($"[data-testid=review-item][data-transaction-id='{Id(transactionId)}']") is { } item) return item;
        }
        throw new Xunit.Sdk.XunitException($"Payment {transactionId} is not in the queue.");
    }

    private async Task<T> WithChangeDuringSaveAsync<T>(ChangeDuringSave during, Func<Task<T>> act)
    {
        factory.DuringSave.Inner = during;
        try
        {
            var result = await act();
            await during.AllDoneAsync();
            return result;
        }
        finally
        {
            factory.DuringSave.Inner = null;
        }
    }

    [Fact]
    public async Task Assign_AssignToMeOnAPageReadBeforeAnotherAnalystTookIt_RefusedAndTheirAssignmentStays()
    {
        // Arrange: both analysts' pages showed the held payment assigned to no one; the second took it.
        var (holder, _, held) = await factory.NewHolderPaidAsync(35m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var item = await ShownItemAsync(first, held);
        Assert.Equal("Assign to me", item.QuerySelector("[data-testid=assign]")!.TextContent.Trim());
        var shown = (item.QuerySelector("input[name=seenAssignee]") as AngleSharp.Html.Dom.IHtmlInputElement)!.Value;
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(second, held, null)).StatusCode);

        // Act: the first presses "Assign to me" on the page read before
        var response = await AssignAsync(first, held, shown);
        var page = await Html.GetPageAsync(first.Client, Html.Location(response));

        // Assert: the second, who works on it, keeps it; the first is told
        Assert.Equal(await UserIdAsync(second), await AssigneeAsync(held));
        Assert.Equal(ReviewService.AssignedMeanwhile, page.ReviewError()?.Trim());
    }

    [Fact]
    public async Task Assign_TakeOverNamingTheAssigneeShown_Taken()
    {
        // Arrange
        var (holder, _, held) = await factory.NewHolderPaidAsync(37m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(first, held, null)).StatusCode);
        var item = await ShownItemAsync(second, held);
        Assert.Equal("Take over", item.QuerySelector("[data-testid=assign]")!.TextContent.Trim());

        // Act
        var response = await AssignAsync(second, held, (item.QuerySelector("input[name=seenAssignee]") as AngleSharp.Html.Dom.IHtmlInputElement)!.Value);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(await UserIdAsync(second), await AssigneeAsync(held));
    }

    [Fact]
    public async Task Assign_NeitherAssignNorGiveBack_BadRequestAndNothingChanged()
    {
        // Arrange: a hand-edited form whose "assign" binds to nothing (it was read as "give back")
        var (holder, _, held) = await factory.NewHolderPaidAsync(38m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(analyst, held, null)).StatusCode);

        // Act
        var response = await Html.SubmitAsync(analyst.Client, "/Review/Assign",
            new Dictionary<string, string> { ["transactionId"] = Id(held), ["assign"] = "perhaps" }, "/Review");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(await UserIdAsync(analyst), await AssigneeAsync(held));
    }

    [Fact]
    public async Task Assign_WhileAnotherAnalystDecidesThePayment_DecisionWaitsAndNoAssignmentIsLeft()
    {
        // Arrange: the second analyst's decision is sent while the first analyst's assignment is being saved.
        var (holder, _, held) = await factory.NewHolderPaidAsync(36m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var form = await second.DecisionFormAsync(held);
        HttpStatusCode? decided = null;
        var during = new ChangeDuringSave(db => db.ChangeTracker.Entries<ReviewAssignment>().Any(e => e.Entity.TransactionId == held && e.State == EntityState.Added),
            async () => decided = (await form.SubmitAsync(confirm: false)).StatusCode);

        // Act
        var assigned = await WithChangeDuringSaveAsync(during, () => AssignAsync(first, held, null));

        // Assert: the decision waited for the assignment, then ended it with the payment's review: nobody's work any more
        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (assigned.StatusCode, decided));
        Assert.Equal((1, 0), (during.Saves, during.CompletedDuringSave));
        Assert.Equal(FraudLabel.Legitimate, (await factory.TransactionAsync(held)).Label);
        Assert.Null(await AssigneeAsync(held));
    }

    [Fact]
    public async Task Decide_WhileTheHolderClosesTheirAccount_ClosingWaitsForTheChargeItThenAccountsFor()
    {
        // Arrange (analyst-side review: the decision read the holder unheld, and a closing committed between its read
        // and its save was charged over, against docs/decisions/0024)
        var (holder, card, held) = await factory.NewHolderPaidAsync(250m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var form = await analyst.DecisionFormAsync(held);
        string? closedAt = null;
        var during = new ChangeDuringSave(db => db.ChangeTracker.Entries<CardTransaction>().Any(e => e.Entity.Id == held && e.State == EntityState.Modified),
            async () => closedAt = Html.Location(await Html.SubmitAsync(holder.Client, "/Privacy/Close",
                [new("Form.CurrentPassword", FraudWebFactory.Password)], "/Privacy/Close")));

        // Act
        var response = await WithChangeDuringSaveAsync<HttpResponseMessage>(during, () => form.SubmitAsync(confirm: false));

        // Assert: the closing waited, so the charge came before it (not after, over a closed account); then it closed
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal((1, 0), (during.Saves, during.CompletedDuringSave));
        Assert.Equal("/Privacy/Closed", closedAt);
        Assert.Equal(ReviewSettlement.Charged, (await factory.TransactionAsync(held)).Settlement);
        Assert.True(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.CardHolder!.UserId == null).SingleAsync()));
    }

    [Fact]
    public async Task Report_ThisWasMeWhileAnAnalystClearsTheHeldPayment_CheckedAgainstTheChargeAndRefused()
    {
        // Arrange (analyst-side review): the holder disputes the hold ("this was me") while an analyst clears the
        // payment. Checked before the payment was held, the report passed on the held payment and was saved on the
        // charged one, open beside the decision ("this was me" disputes only a payment that did not go through).
        var (holder, _, held) = await factory.NewHolderPaidAsync(41m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var form = await analyst.DecisionFormAsync(held);
        var during = new ChangeDuringSave(db => db.ChangeTracker.Entries<CardTransaction>().Any(e => e.Entity.Id == held && e.State == EntityState.Modified),
            () => holder.ReportAsync(held, ReportKind.ThisWasMe, "It was me, at the corner shop"));

        // Act
        var response = await WithChangeDuringSaveAsync<HttpResponseMessage>(during, () => form.SubmitAsync(confirm: false));
        var queue = await Html.GetPageAsync(analyst.Client, Html.Location(response));

        // Assert: the decision first (charged), and the report, after it, refused: no report is left open
        Assert.Null(queue.ReviewError());
        Assert.Equal((1, 0), (during.Saves, during.CompletedDuringSave));
        Assert.Equal(ReviewSettlement.Charged, (await factory.TransactionAsync(held)).Settlement);
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.TransactionId == held)));
    }

    [Fact]
    public async Task Decide_WhileTheAssignedAnalystsAccountIsDeleted_BothGoThrough()
    {
        // Arrange (diff review: on PostgreSQL the erasure deleted the analyst's assignment and then waited to rename the
        // payment they had labelled, while the decision held that payment and waited to delete the same assignment: a
        // deadlock, one of the two answered "try again"). Analyst A cleared the held payment; its holder then reported
        // it, and A took the report; analyst B decides it while an administrator deletes A.
        var (holder, _, held) = await factory.NewHolderPaidAsync(43m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        Assert.Equal(HttpStatusCode.Redirect, (await first.DecideAsync(held, confirm: false)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(held, ReportKind.NotMe, "Not me: I was at home")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AssignAsync(first, held, null)).StatusCode);
        var firstId = await UserIdAsync(first);
        Assert.Equal(firstId, await AssigneeAsync(held));
        var form = await second.DecisionFormAsync(held);
        HttpResponseMessage? deleted = null;
        var during = new ChangeDuringSave(db => db.ChangeTracker.Entries<FraudReport>().Any(e => e.Entity.TransactionId == held && e.State == EntityState.Modified),
            async () => deleted = await Html.SubmitAsync(admin.Client, $"/AdminUsers/Delete/{firstId}", [], $"/AdminUsers/Delete/{firstId}"));

        // Act
        var response = await WithChangeDuringSaveAsync<HttpResponseMessage>(during, () => form.SubmitAsync(confirm: true));
        var queue = await Html.GetPageAsync(second.Client, Html.Location(response));

        // Assert: the decision first (the report confirmed, the assignment ended), then the account deleted
        Assert.Null(queue.ReviewError());
        Assert.Equal((1, 0), (during.Saves, during.CompletedDuringSave));
        Assert.Equal(HttpStatusCode.Redirect, deleted!.StatusCode);
        Assert.Equal(ReportStatus.Confirmed, (await factory.ReportOfAsync(held)).Status);
        Assert.Null(await AssigneeAsync(held));
        Assert.False(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Id == firstId)));
    }

    [Fact]
    public async Task Decide_WhileTheDecidingAnalystsAccountIsDeleted_DecisionFirstThenItsLabelRenamed()
    {
        // Arrange (lock-order review: the analyst's name was read before the decision's transaction and nothing held
        // their account, so an erasure committed while the decision saved, and the label kept the erased address).
        var (holder, _, held) = await factory.NewHolderPaidAsync(44m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var analystId = await UserIdAsync(analyst);
        var form = await analyst.DecisionFormAsync(held);
        HttpResponseMessage? deleted = null;
        var during = new ChangeDuringSave(db => db.ChangeTracker.Entries<CardTransaction>().Any(e => e.Entity.Id == held && e.State == EntityState.Modified),
            async () => deleted = await Html.SubmitAsync(admin.Client, $"/AdminUsers/Delete/{analystId}", [], $"/AdminUsers/Delete/{analystId}"));

        // Act
        var response = await WithChangeDuringSaveAsync(during, () => form.SubmitAsync(confirm: false));

        // Assert: the deletion waited for the decision, then renamed its label with the analyst's other records
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal((1, 0), (during.Saves, during.CompletedDuringSave));
        Assert.Equal(HttpStatusCode.Redirect, deleted!.StatusCode);
        Assert.False(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Id == analystId)));
        var stored = await factory.TransactionAsync(held);
        Assert.Equal(FraudLabel.Legitimate, stored.Label);
        Assert.NotNull(stored.LabelledBy);
        Assert.DoesNotContain(analyst.Email, stored.LabelledBy, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Delete_WhileTheHolderSavesANewPhoneNumber_BothGoThrough()
    {
        // Arrange (lock-order review: the profile's save writes the account before the holder, the erasure held the
        // holder before the account: on PostgreSQL a deadlock, the administrator answered "try again").
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var userId = await UserIdAsync(holder);
        var holderId = await factory.QueryAsync(db => db.CardHolders.Where(h => h.UserId == userId).Select(h => h.Id).SingleAsync());
        var seen = await factory.QueryAsync(db => db.CardHolders.Where(h => h.UserId == userId).Select(h => h.RowVersion).SingleAsync());
        var details = new FraudWeb.Services.Accounts.PersonalDetails("Ada Lovelace", "+44 20 7946 0777", new DateOnly(1990, 12, 10), "12 St James's Square",
            null, "London", "SW1Y 4JH", "United Kingdom");
        FraudWeb.Services.Result? saved = null;
        var during = new ChangeDuringSave(db => db.ChangeTracker.Entries<CardHolder>().Any(e => e.Entity.Id == holderId && e.State == EntityState.Modified && e.Entity.UserId == null),
            async () =>
            {
                await using var scope = factory.Services.CreateAsyncScope();
                saved = await scope.ServiceProvider.GetRequiredService<FraudWeb.Services.Profiles.ProfileService>().UpdateDetailsAsync(userId, details, seen, CancellationToken.None);
            });

        // Act
        var deleted = await WithChangeDuringSaveAsync(during, () => Html.SubmitAsync(admin.Client, $"/AdminUsers/Delete/{userId}", [], $"/AdminUsers/Delete/{userId}"));

        // Assert: the deletion goes through; the save, which waited for it, finds no profile (and nothing is left of it)
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal((1, 0), (during.Saves, during.CompletedDuringSave));
        Assert.False(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Id == userId)));
        Assert.NotNull(saved);
        Assert.False(saved!.Succeeded);
        Assert.False(await factory.QueryAsync(db => db.CardHolders.AnyAsync(h => h.Id == holderId && h.PhoneNumber == "+44 20 7946 0777")));
    }

    [Fact]
    public async Task Assign_ReportedPaymentTheAnalystLabelled_WhileTheirAccountIsDeleted_BothGoThrough()
    {
        // Arrange (diff review: the assignment's row names the analyst's account, a foreign key PostgreSQL checks by
        // holding that account's row, after the payment; the erasure held the account first, then the payments the
        // analyst labelled: a deadlock, the administrator answered "try again").
        var (holder, _, held) = await factory.NewHolderPaidAsync(46m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var analystId = await UserIdAsync(analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.DecideAsync(held, confirm: false)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(held, ReportKind.NotMe, "I have never shopped there.")).StatusCode);
        HttpResponseMessage? deleted = null;
        var during = new ChangeDuringSave(db => db.ChangeTracker.Entries<ReviewAssignment>().Any(e => e.Entity.TransactionId == held && e.State == EntityState.Added),
            async () => deleted = await Html.SubmitAsync(admin.Client, $"/AdminUsers/Delete/{analystId}", [], $"/AdminUsers/Delete/{analystId}"));

        // Act
        var response = await WithChangeDuringSaveAsync(during, () => AssignAsync(analyst, held, null));

        // Assert: the assignment first, then the account deleted (and its assignment given back with it)
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal((1, 0), (during.Saves, during.CompletedDuringSave));
        Assert.Equal(HttpStatusCode.Redirect, deleted!.StatusCode);
        Assert.False(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Id == analystId)));
        Assert.Null(await AssigneeAsync(held));
    }
}
