using FraudWeb.Domain.Cards;
using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
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

    private Task<(CardHolderSession Holder, long CardId, long TransactionId)> HeldAsync(decimal amount, decimal creditLimit = 1000m) =>
        factory.NewHolderPaidAsync(amount, ControlledRiskModel.HeldProbability, Decision.Review, creditLimit);

    [Fact]
    public async Task Submit_ReviewBand_HeldNotChargedAndShownHeldForReview()
    {
        // Arrange + Act
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;

        // Assert
        Assert.Equal(0m, await factory.BalanceAsync(card));
        var (decision, row) = await holder.HistoryRowAsync(id);
        Assert.Equal("Review", decision);
        Assert.Contains("Held for review", row.TextContent, StringComparison.Ordinal);
        var details = await holder.DetailsAsync(id);
        Assert.Equal("Held for review", Html.StatusHeading(details));
        Assert.Equal("Held for review · FraudWeb", details.Title); // tabs and screen readers tell verdict pages apart
    }

    [Fact]
    public async Task Decide_ClearHeldPayment_ChargesCardAndShowsApprovedAfterReview()
    {
        // Arrange
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;

        // Act: without a report, "Legitimate" posts Confirm=false.
        var response = await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Legitimate, tx.Label);
        Assert.Equal(ReviewSettlement.Charged, tx.Settlement);
        Assert.Equal(250m, await factory.BalanceAsync(card));
        var (decision, row) = await holder.HistoryRowAsync(id);
        Assert.Equal("ApprovedAfterReview", decision);
        Assert.Contains("Approved after review", row.TextContent, StringComparison.Ordinal);
        var details = await holder.DetailsAsync(id);
        Assert.Equal("Approved after review", Html.StatusHeading(details));
        Assert.Contains("750.00", details.QuerySelector("dl")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_ConfirmFraudOnHeldPayment_NotChargedAndShowsDeclinedAfterReview()
    {
        // Arrange
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;

        // Act
        var response = await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Fraud, tx.Label);
        Assert.Equal(ReviewSettlement.Declined, tx.Settlement);
        Assert.Equal(0m, await factory.BalanceAsync(card));
        var (decision, row) = await holder.HistoryRowAsync(id);
        Assert.Equal("DeclinedAfterReview", decision);
        Assert.Contains("Declined after review", row.TextContent, StringComparison.Ordinal);
        Assert.Contains(DeclineReasons.ConfirmedFraud, row.TextContent, StringComparison.Ordinal);
        var details = await holder.DetailsAsync(id);
        Assert.Equal("Declined after review", Html.StatusHeading(details));
        Assert.Equal(DeclineReasons.ConfirmedFraud, details.QuerySelector("[data-testid=decline-reason]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Report_NotMeOnAPaymentConfirmedFraud_RefusedAndNothingQueued()
    {
        // Arrange (fraud-operations test: accepted, it put a decided payment back in the queue for nothing)
        var (holder, _, id) = await HeldAsync(250m);
        using var _ = holder;
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true)).StatusCode);

        // Act
        var response = await holder.ReportAsync(id, ReportKind.NotMe, "Not me, as I said.");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This payment is already confirmed as fraud, so it was not charged to your card; there is nothing more to report.",
            Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Queue_ReportAfterAnAnalystsLabel_ItemSaysWhoLabelledItWhatAndWhen()
    {
        // Arrange: confirmed fraud (declined), then the holder says it was them
        var (holder, _, id) = await HeldAsync(250m);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await first.DecideAsync(id, confirm: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.ThisWasMe, Reason)).StatusCode);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var item = await ItemAsync(second, id);

        // Assert (fraud-operations test: an earlier decision was overturned with nothing on the item to say it existed)
        var earlier = item.QuerySelector("[data-testid=earlier-label]");
        Assert.NotNull(earlier);
        Assert.Equal("Fraud", earlier.GetAttribute("data-label"));
        Assert.StartsWith($"{first.Email} already labelled this payment fraud on ", earlier.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_ClearAfterCreditUsedMeanwhile_DeclinedWithReasonAndLabelKept()
    {
        // Arrange: 700 is held; then an approved 500 uses the credit the held payment needed.
        var (holder, card, id) = await HeldAsync(700m, creditLimit: 1000m);
        using var _ = holder;
        var approved = await factory.PayAtRiskAsync(holder, card, 500m, ControlledRiskModel.ApprovedProbability);
        Assert.Equal(Decision.Approved, (await factory.TransactionAsync(approved)).Verdict!.Decision);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.DecideAsync(id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Legitimate, tx.Label);
        Assert.Equal(analyst.Email, tx.LabelledBy);
        Assert.Equal(ReviewSettlement.Declined, tx.Settlement);
        Assert.Equal(DeclineReasons.InsufficientCredit, tx.SettlementReason);
        Assert.Equal(500m, await factory.BalanceAsync(card));
        var details = await holder.DetailsAsync(id);
        Assert.Equal("Declined after review", Html.StatusHeading(details));
        Assert.Equal(DeclineReasons.InsufficientCredit, details.QuerySelector("[data-testid=decline-reason]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Queue_HeldPaymentOfErasedAccount_SaysClosedAndOffersNoBlockForm()
    {
        // Arrange: one held payment on an account then deleted, one on an open account (the block form's control).
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        var (other, _, openId) = await HeldAsync(260m);
        using var __ = other;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            var owner = await db.CardHolders.Include(h => h.Cards).SingleAsync(h => h.Cards.Any(c => c.Id == card));
            owner.Erase();
            await db.SaveChangesAsync();
        }
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var closed = await ItemAsync(analyst, id);
        var open = await ItemAsync(analyst, openId);

        // Assert
        Assert.NotNull(closed.QuerySelector("[data-testid=holder-closed]"));
        Assert.Null(closed.QuerySelector("[data-testid=block-card]"));
        Assert.Equal("Mark as legitimate", closed.QuerySelector("[data-testid=decide-legitimate]")!.TextContent.Trim());
        Assert.Null(open.QuerySelector("[data-testid=holder-closed]"));
        Assert.NotNull(open.QuerySelector("[data-testid=block-card]"));
    }

    private static async Task<AngleSharp.Dom.IElement> ItemAsync(CardHolderSession analyst, long transactionId)
    {
        var selector = $"[data-testid=review-item][data-transaction-id='{transactionId.ToString(System.Globalization.CultureInfo.InvariantCulture)}']";
        await foreach (var page in analyst.QueuePagesAsync())
        {
            if (page.QuerySelector(selector) is { } item) return item;
        }
        throw new InvalidOperationException("The item is not in the queue.");
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

        // Act
        await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: false);

        // Assert
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(ReviewSettlement.Declined, tx.Settlement);
        Assert.Equal(DeclineReasons.AccountClosed, tx.SettlementReason);
        Assert.Equal(0m, await factory.BalanceAsync(card));
    }

    [Fact]
    public async Task Decide_ClearWhileTheBankBlocksTheCard_DeclinedCardBlockedNotCharged()
    {
        // Arrange: staff block the card while the payment waits (docs/decisions/0028).
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var blocked = await Html.SubmitAsync(analyst.Client, $"/CardBlocks/Block/{card}", [new("Reason", nameof(CardBlockReason.SuspectedFraud))], "/Review");
        Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);

        // Act
        var response = await analyst.DecideAsync(id, confirm: false);

        // Assert: labelled legitimate as decided, never charged, declined with the block's reason (the API's card-blocked).
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Legitimate, tx.Label);
        Assert.Equal(ReviewSettlement.Declined, tx.Settlement);
        Assert.Equal(DeclineReasons.CardBlocked, tx.SettlementReason);
        Assert.Equal(0m, await factory.BalanceAsync(card));
        Assert.Equal("card-blocked", FraudWeb.Api.PaymentResources.DeclineCode(DeclineReasons.CardBlocked));
        var details = await holder.DetailsAsync(id);
        Assert.Equal(DeclineReasons.CardBlocked, details.QuerySelector("[data-testid=decline-reason]")!.TextContent.Trim());
        // The analyst is told why it was not charged (exploratory testing: "the card's credit or the card itself is gone").
        var queue = await Html.GetPageAsync(analyst.Client, response.Headers.Location!.OriginalString);
        Assert.Contains($"Payment #{id} marked as legitimate but not charged, so it stays declined: {DeclineReasons.CardBlocked}", queue.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_HolderReportedSinceTheFormWasRead_RefusedAndTheReportStaysToBeDecided()
    {
        // Arrange: the analyst has the held payment open; the holder then says it was them.
        var (holder, _, id) = await HeldAsync(250m);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var form = await analyst.DecisionFormAsync(id);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.ThisWasMe, "That was me, buying a present.")).StatusCode);

        // Act
        var (response, page) = await form.SubmitAndFollowAsync(confirm: false);

        // Assert: the payment is not decided past the report, which stays open for the queue.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("reported this payment meanwhile", page.ReviewError(), StringComparison.Ordinal);
        Assert.Equal(FraudLabel.Unknown, (await factory.TransactionAsync(id)).Label);
        Assert.Equal(ReportStatus.Open, (await factory.ReportOfAsync(id)).Status);
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
        var (late, page) = await secondForm.SubmitAndFollowAsync(confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, won.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.Equal(ReviewService.AlreadyDecided, page.ReviewError());
        Assert.Equal(250m, await factory.BalanceAsync(card));
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(first.Email, tx.LabelledBy);
        Assert.Equal(ReviewSettlement.Charged, tx.Settlement);
    }

    [Fact]
    public async Task Decide_SameFormPostedTwiceByOneAnalyst_SaysTheyDecidedItNotAnotherAnalyst()
    {
        // Arrange: a double click, or the same item decided again from a second tab
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var form = await analyst.DecisionFormAsync(id);
        var tab = await analyst.DecisionFormAsync(id);

        // Act
        var won = await form.SubmitAsync(confirm: false);
        var (again, page) = await tab.SubmitAndFollowAsync(confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, won.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(ReviewService.AlreadyDecidedByYou, page.ReviewError());
        Assert.Equal(250m, await factory.BalanceAsync(card));
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
        var (responses, pages) = await forms.SubmitAtOnceAsync(confirm: false);

        // Assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Single(pages, p => p.ReviewError()?.Contains("already decided", StringComparison.Ordinal) == true);
        Assert.Single(pages, p => p.QuerySelectorAll("[role=status]").Any(e => e.TextContent.Contains($"Payment #{id} marked as legitimate and charged to the card.", StringComparison.Ordinal)));
        Assert.Equal(250m, await factory.BalanceAsync(card));
        Assert.Equal(ReviewSettlement.Charged, (await factory.TransactionAsync(id)).Settlement);
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
        firstTx.ApplyLabel(FraudLabel.Legitimate, "first@example.test", IssuerTime.InUtc(factory.Clock.UtcNow));
        secondTx.ApplyLabel(FraudLabel.Fraud, "second@example.test", IssuerTime.InUtc(factory.Clock.UtcNow));

        // Act
        await firstDb.SaveChangesAsync();
        var error = await Record.ExceptionAsync(() => secondDb.SaveChangesAsync());

        // Assert: the transaction's own token refuses the second decision, fraud label included (no card change).
        var conflict = Assert.IsType<DbUpdateConcurrencyException>(error);
        Assert.Contains(conflict.Entries, e => e.Entity is CardTransaction);
        Assert.Equal(250m, await factory.BalanceAsync(card));
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Legitimate, tx.Label);
        Assert.Equal(ReviewSettlement.Charged, tx.Settlement);
    }

    [Fact]
    public async Task SaveChanges_CardReportedLostAfterTheReviewReadIt_ChargeRefusedAndCardNotCharged()
    {
        // Arrange (review finding: a stop changes no balance, the card's only token, so an analyst's clearing read before
        // the stop still charged the card after it was reported lost): the review has read the held payment and its card
        var (holder, card, id) = await HeldAsync(180m);
        using var _ = holder;
        await using var reviewScope = factory.Services.CreateAsyncScope();
        await using var holderScope = factory.Services.CreateAsyncScope();
        var reviewDb = reviewScope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var holderDb = holderScope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var held = await reviewDb.Transactions.Include(t => t.Card).SingleAsync(t => t.Id == id);
        var stopped = await holderDb.Cards.SingleAsync(c => c.Id == card);
        stopped.ReportLostOrStolen(factory.Clock.UtcNow);
        await holderDb.SaveChangesAsync();

        // Act: the analyst clears it on the card as read before the stop
        held.ApplyLabel(FraudLabel.Legitimate, "analyst@example.test", IssuerTime.InUtc(factory.Clock.UtcNow));
        var error = await Record.ExceptionAsync(() => reviewDb.SaveChangesAsync());

        // Assert: the card's token refuses it (ReviewService then decides again on the stopped card), nothing charged
        var conflict = Assert.IsType<DbUpdateConcurrencyException>(error);
        Assert.All(conflict.Entries, e => Assert.IsType<Card>(e.Entity));
        Assert.Equal(0m, await factory.BalanceAsync(card));
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

        // Act
        var response = await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(settlement, tx.Settlement);
        Assert.Equal(balance, await factory.BalanceAsync(card));
        var report = await factory.ReportOfAsync(id);
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
        var (_, page) = await heldForm.SubmitAndFollowAsync(confirm: false);

        // Assert
        Assert.Contains("already decided", page.ReviewError(), StringComparison.Ordinal);
        Assert.Equal(250m, await factory.BalanceAsync(card));
        Assert.Equal(second.Email, (await factory.TransactionAsync(id)).LabelledBy);
    }

    [Fact]
    public async Task Decide_HeldFormAfterTheHolderReported_RefusedAndTheReportDecidedChargesOnce()
    {
        // Arrange: the holder reports the held payment after an analyst opened it as a plain review; a second analyst
        // has the report open.
        var (holder, card, id) = await HeldAsync(250m);
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var heldForm = await first.DecisionFormAsync(id);
        await holder.ReportAsync(id, ReportKind.ThisWasMe, Reason);
        var reportForm = await second.DecisionFormAsync(id);
        Assert.Contains(reportForm.Fields, f => f.Key == "ReportId");

        // Act: the stale plain decision first, then the report's.
        var (_, stale) = await heldForm.SubmitAndFollowAsync(confirm: false);
        await reportForm.SubmitAsync(confirm: true);

        // Assert: the payment is decided through the report, once, and the report is not left open.
        Assert.Contains(ReviewService.ReportedMeanwhile, stale.ReviewError(), StringComparison.Ordinal);
        Assert.Equal(250m, await factory.BalanceAsync(card));
        Assert.Equal(ReportStatus.Confirmed, (await factory.ReportOfAsync(id)).Status);
        Assert.Equal(second.Email, (await factory.TransactionAsync(id)).LabelledBy);
    }

    [Fact]
    public async Task Queue_ThisWasMeReportOnDeclinedPayment_LegitimateButtonConfirmsTheClaim()
    {
        // Arrange
        var (holder, card, id) = await factory.NewHolderPaidAsync(80m, 0.97, Decision.Declined, 1000m);
        using var _ = holder;
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.ThisWasMe, "It was me, at the shop on the corner.")).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var form = await analyst.DecisionFormAsync(id);
        var response = await form.SubmitAsync(form.ValueOf("decide-legitimate"));

        // Assert
        Assert.Equal("Mark as legitimate", form.LabelOf("decide-legitimate"));
        Assert.Equal("true", form.ValueOf("decide-legitimate"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(FraudLabel.Legitimate, (await factory.TransactionAsync(id)).Label);
        Assert.Equal(ReportStatus.Confirmed, (await factory.ReportOfAsync(id)).Status);
        Assert.Equal(0m, await factory.BalanceAsync(card)); // nothing charged: it stays declined
        var queue = await Html.GetPageAsync(analyst.Client, Html.Location(response));
        Assert.Contains($"Payment #{id} marked as legitimate.", queue.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        // The audit entry names the report's kind: "Confirm" here means legitimate (exploratory testing: it read as the opposite of a held payment's).
        var after = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(a => a.Action == AuditActions.ReviewDecide && a.TargetId == id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(a => a.After).SingleAsync());
        Assert.Contains("\"ReportKind\":\"ThisWasMe\",\"Confirm\":true,\"Label\":\"Legitimate\"", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_DeclinedByTheCheck_OffersThisWasMe()
    {
        // Arrange
        var (holder, _, id) = await factory.NewHolderPaidAsync(60m, 0.97, Decision.Declined);
        using var _ = holder;

        // Act
        var form = await Html.GetPageAsync(holder.Client, $"/Reports/New?transactionId={id}");

        // Assert
        Assert.NotNull(form.QuerySelector("#kind-wasme"));
        Assert.NotNull(form.QuerySelector("#kind-notme"));
    }

    [Theory]
    [InlineData(true, FraudLabel.Legitimate, ReportStatus.Confirmed)]
    [InlineData(false, FraudLabel.Fraud, ReportStatus.Rejected)]
    public async Task Decide_ThisWasMeOnADeclinedPayment_SetsLabelAndClosesReport(bool confirm, FraudLabel label, ReportStatus status)
    {
        // Arrange
        var (holder, card, id) = await factory.NewHolderPaidAsync(42m, 0.97, Decision.Declined);
        using var _ = holder;
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.ThisWasMe, Reason)).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.DecideAsync(id, confirm);

        // Assert: labelled and closed by this analyst; a decline stays uncharged either way
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await factory.TransactionAsync(id);
        var report = await factory.ReportOfAsync(id);
        Assert.Equal(label, tx.Label);
        Assert.Equal(analyst.Email, tx.LabelledBy);
        Assert.NotNull(tx.LabelledUtc);
        Assert.Equal(status, report.Status);
        Assert.Equal(analyst.Email, report.DecidedBy);
        Assert.Equal(0m, await factory.BalanceAsync(card));
    }

    [Fact]
    public async Task Report_ThisWasMeAgainAfterAnAnalystUpheldIt_NotOfferedAndRefusedSayingSo()
    {
        // Arrange: declined by the check, disputed, and the dispute upheld (the payment is now known to be the holder's)
        var (holder, _, id) = await factory.NewHolderPaidAsync(55m, 0.97, Decision.Declined);
        using var _ = holder;
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.ThisWasMe, Reason)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true)).StatusCode);

        // Act
        var form = await Html.GetPageAsync(holder.Client, $"/Reports/New?transactionId={id}");
        var response = await holder.ReportAsync(id, ReportKind.ThisWasMe, "That was me, as I said before.");

        // Assert: nothing left to dispute, and no second report for the queue
        Assert.Null(form.QuerySelector("#kind-wasme"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(ReportService.AlreadyFoundTheirs, Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
    }
}
