using System.Net;
using AngleSharp.Html.Dom;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Reports;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>
/// The life of a payment held for review: not charged until an analyst decides; cleared means charged (if the card
/// can still take it), fraud means declined; the card holder sees which, and no race charges it twice.
/// </summary>
public sealed class HeldPaymentTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    private const string Reason = "That was me, buying a present.";

    private async Task<(CardHolderSession Holder, long CardId, long TransactionId)> HeldAsync(decimal amount, decimal creditLimit = 1000m)
    {
        var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(creditLimit);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var id = await holder.PayAndGetIdAsync(card, merchant, amount);
        var stored = await TransactionAsync(id);
        Assert.Equal(Decision.Review, stored.Verdict!.Decision);
        return (holder, card, id);
    }

    private Task<CardTransaction> TransactionAsync(long id) =>
        factory.QueryAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id));

    private Task<decimal> BalanceAsync(long cardId) =>
        factory.QueryAsync(db => db.Cards.Where(c => c.Id == cardId).Select(c => c.Balance).SingleAsync());

    private static async Task<(string Decision, string Text)> HistoryBadgeAsync(CardHolderSession holder, long id)
    {
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        var row = profile.QuerySelector($"#transactions tr[data-transaction-id='{id}']")!;
        var badge = row.QuerySelector("[data-decision]")!;
        return (badge.GetAttribute("data-decision")!, row.TextContent);
    }

    private static async Task<IHtmlDocument> DetailsAsync(CardHolderSession holder, long id) =>
        await Html.GetPageAsync(holder.Client, $"/Transactions/Details/{id}");

    [Fact]
    public async Task Submit_ReviewBand_HeldNotChargedAndShownHeldForReview()
    {
        // Arrange + Act
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;

        // Assert
        Assert.Equal(0m, await BalanceAsync(card));
        var (decision, text) = await HistoryBadgeAsync(holder, id);
        Assert.Equal("Review", decision);
        Assert.Contains("Held for review", text, StringComparison.Ordinal);
        var details = await DetailsAsync(holder, id);
        Assert.Equal("Held for review", details.QuerySelector("[role=status] h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task Decide_ClearHeldPayment_ChargesCardAndShowsApprovedAfterReview()
    {
        // Arrange
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act: without a report, "Legitimate" posts Confirm=false.
        var response = await analyst.DecideAsync(id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await TransactionAsync(id);
        Assert.Equal(FraudLabel.Legitimate, tx.Label);
        Assert.Equal(ReviewSettlement.Charged, tx.Settlement);
        Assert.Equal(250m, await BalanceAsync(card));
        var (decision, text) = await HistoryBadgeAsync(holder, id);
        Assert.Equal("ApprovedAfterReview", decision);
        Assert.Contains("Approved after review", text, StringComparison.Ordinal);
        var details = await DetailsAsync(holder, id);
        Assert.Equal("Approved after review", details.QuerySelector("[role=status] h1")!.TextContent.Trim());
        Assert.Contains("750.00", details.QuerySelector("dl")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_ConfirmFraudOnHeldPayment_NotChargedAndShowsDeclinedAfterReview()
    {
        // Arrange
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.DecideAsync(id, confirm: true);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await TransactionAsync(id);
        Assert.Equal(FraudLabel.Fraud, tx.Label);
        Assert.Equal(ReviewSettlement.Declined, tx.Settlement);
        Assert.Equal(0m, await BalanceAsync(card));
        var (decision, text) = await HistoryBadgeAsync(holder, id);
        Assert.Equal("DeclinedAfterReview", decision);
        Assert.Contains("Declined after review", text, StringComparison.Ordinal);
        Assert.Contains(DeclineReasons.ConfirmedFraud, text, StringComparison.Ordinal);
        var details = await DetailsAsync(holder, id);
        Assert.Equal("Declined after review", details.QuerySelector("[role=status] h1")!.TextContent.Trim());
        Assert.Equal(DeclineReasons.ConfirmedFraud, details.QuerySelector("[data-testid=decline-reason]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Decide_ClearAfterCreditUsedMeanwhile_DeclinedWithReasonAndLabelKept()
    {
        // Arrange: 700 is held; then an approved 500 uses the credit the held payment needed.
        var (holder, card, id) = await HeldAsync(700m, creditLimit: 1000m);
        using var _ = holder;
        factory.Risk.Probability = ControlledRiskModel.ApprovedProbability;
        try
        {
            var approved = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 500m);
            Assert.Equal(Decision.Approved, (await TransactionAsync(approved)).Verdict!.Decision);
        }
        finally
        {
            factory.Risk.Probability = ControlledRiskModel.HeldProbability;
        }
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.DecideAsync(id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await TransactionAsync(id);
        Assert.Equal(FraudLabel.Legitimate, tx.Label);
        Assert.Equal(analyst.Email, tx.LabelledBy);
        Assert.Equal(ReviewSettlement.Declined, tx.Settlement);
        Assert.Equal(DeclineReasons.InsufficientCredit, tx.SettlementReason);
        Assert.Equal(500m, await BalanceAsync(card));
        var details = await DetailsAsync(holder, id);
        Assert.Equal("Declined after review", details.QuerySelector("[role=status] h1")!.TextContent.Trim());
        Assert.Equal(DeclineReasons.InsufficientCredit, details.QuerySelector("[data-testid=decline-reason]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Decide_ClearAfterAccountErased_DeclinedAsAccountClosed()
    {
        // Arrange: the holder's account is deleted (details erased, card kept) while the payment waits.
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            var owner = await db.CardHolders.Include(h => h.Cards).SingleAsync(h => h.Cards.Any(c => c.Id == card));
            owner.Erase();
            await db.SaveChangesAsync();
        }
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        await analyst.DecideAsync(id, confirm: false);

        // Assert
        var tx = await TransactionAsync(id);
        Assert.Equal(ReviewSettlement.Declined, tx.Settlement);
        Assert.Equal(DeclineReasons.AccountClosed, tx.SettlementReason);
        Assert.Equal(0m, await BalanceAsync(card));
    }

    [Fact]
    public async Task Decide_SecondAnalystWithStaleForm_GetsAlreadyDecidedAndChargedOnce()
    {
        // Arrange: both analysts have the same queue item open.
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var firstForm = await first.DecisionFormAsync(id);
        var secondForm = await second.DecisionFormAsync(id);

        // Act
        var won = await firstForm.SubmitAsync(confirm: false);
        var late = await secondForm.SubmitAsync(confirm: false);
        var page = await Html.GetPageAsync(second.Client, Html.Location(late));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, won.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.Contains("already decided", page.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(250m, await BalanceAsync(card));
        var tx = await TransactionAsync(id);
        Assert.Equal(first.Email, tx.LabelledBy);
        Assert.Equal(ReviewSettlement.Charged, tx.Settlement);
    }

    [Fact]
    public async Task Decide_TwoAnalystsAtOnce_OneRecordedOtherAlreadyDecidedChargedOnce()
    {
        // Arrange
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var forms = new[] { await first.DecisionFormAsync(id), await second.DecisionFormAsync(id) };

        // Act: whichever order the server interleaves them in, only one decision may land.
        var responses = await Task.WhenAll(forms.Select(f => f.SubmitAsync(confirm: false)));
        var pages = new List<IHtmlDocument>();
        for (var i = 0; i < forms.Length; i++) pages.Add(await Html.GetPageAsync(forms[i].Analyst.Client, Html.Location(responses[i])));

        // Assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Single(pages, p => p.QuerySelector("[data-testid=review-error]")?.TextContent.Contains("already decided", StringComparison.Ordinal) == true);
        Assert.Single(pages, p => p.QuerySelectorAll("[role=status]").Any(e => e.TextContent.Contains("Decision recorded.", StringComparison.Ordinal)));
        Assert.Equal(250m, await BalanceAsync(card));
        Assert.Equal(ReviewSettlement.Charged, (await TransactionAsync(id)).Settlement);
    }

    [Fact]
    public async Task SaveChanges_TwoContextsDecideSameHeldPayment_SecondFailsAndCardChargedOnce()
    {
        // Arrange: two requests have read the same held payment and card.
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        await using var firstScope = factory.Services.CreateAsyncScope();
        await using var secondScope = factory.Services.CreateAsyncScope();
        var firstDb = firstScope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var secondDb = secondScope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var firstTx = await firstDb.Transactions.Include(t => t.Card).SingleAsync(t => t.Id == id);
        var secondTx = await secondDb.Transactions.Include(t => t.Card).SingleAsync(t => t.Id == id);
        firstTx.ApplyLabel(FraudLabel.Legitimate, "first@example.test", DateTime.UtcNow);
        secondTx.ApplyLabel(FraudLabel.Fraud, "second@example.test", DateTime.UtcNow);

        // Act
        await firstDb.SaveChangesAsync();
        var error = await Record.ExceptionAsync(() => secondDb.SaveChangesAsync());

        // Assert: the transaction's own token refuses the second decision, fraud label included (no card change).
        var conflict = Assert.IsType<DbUpdateConcurrencyException>(error);
        Assert.Contains(conflict.Entries, e => e.Entity is CardTransaction);
        Assert.Equal(250m, await BalanceAsync(card));
        var tx = await TransactionAsync(id);
        Assert.Equal(FraudLabel.Legitimate, tx.Label);
        Assert.Equal(ReviewSettlement.Charged, tx.Settlement);
    }

    [Theory]
    [InlineData(ReportKind.ThisWasMe, true, ReviewSettlement.Charged, 250)]
    [InlineData(ReportKind.NotMe, true, ReviewSettlement.Declined, 0)]
    public async Task Decide_ReportOnHeldPayment_SettlesIt(ReportKind kind, bool confirm, ReviewSettlement settlement, int balance)
    {
        // Arrange
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        await holder.ReportAsync(id, kind, Reason);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.DecideAsync(id, confirm);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await TransactionAsync(id);
        Assert.Equal(settlement, tx.Settlement);
        Assert.Equal(balance, await BalanceAsync(card));
        var report = await factory.QueryAsync(db => db.FraudReports.AsNoTracking().SingleAsync(r => r.TransactionId == id));
        Assert.Equal(ReportStatus.Confirmed, report.Status);
    }

    [Fact]
    public async Task Decide_HeldFormAfterReportDecided_AlreadyDecidedAndChargedOnce()
    {
        // Arrange: one analyst opens the held payment; meanwhile the holder reports it and another analyst clears it.
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var heldForm = await first.DecisionFormAsync(id);
        Assert.DoesNotContain(heldForm.Fields, f => f.Key == "ReportId");
        await holder.ReportAsync(id, ReportKind.ThisWasMe, Reason);
        await second.DecideAsync(id, confirm: true);

        // Act
        var late = await heldForm.SubmitAsync(confirm: false);
        var page = await Html.GetPageAsync(first.Client, Html.Location(late));

        // Assert
        Assert.Contains("already decided", page.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(250m, await BalanceAsync(card));
        Assert.Equal(second.Email, (await TransactionAsync(id)).LabelledBy);
    }

    [Fact]
    public async Task Decide_ReportFormAfterHeldPaymentDecided_AlreadyDecidedAndChargedOnce()
    {
        // Arrange: the holder reports the held payment after an analyst opened it as a plain review; a second analyst
        // has the report open when the first one's decision lands.
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var heldForm = await first.DecisionFormAsync(id);
        await holder.ReportAsync(id, ReportKind.ThisWasMe, Reason);
        var reportForm = await second.DecisionFormAsync(id);
        Assert.Contains(reportForm.Fields, f => f.Key == "ReportId");
        Assert.Equal(HttpStatusCode.Redirect, (await heldForm.SubmitAsync(confirm: false)).StatusCode);

        // Act: the report itself is still open, but the payment has changed since the second analyst loaded it.
        var late = await reportForm.SubmitAsync(confirm: true);
        var page = await Html.GetPageAsync(second.Client, Html.Location(late));

        // Assert
        Assert.Contains(ReviewService.AlreadyDecided, page.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(250m, await BalanceAsync(card));
        var report = await factory.QueryAsync(db => db.FraudReports.AsNoTracking().SingleAsync(r => r.TransactionId == id));
        Assert.Equal(ReportStatus.Open, report.Status);
    }
}
