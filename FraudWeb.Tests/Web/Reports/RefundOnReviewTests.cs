using System.Net;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Reports;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>
/// Zero liability for the card holder: fraud an analyst confirms on a charged payment is credited back to the card in
/// the same save as the decision, once; a rejected claim or a payment that was never charged refunds nothing.
/// </summary>
public sealed class RefundOnReviewTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    private const string NotMe = "I have never shopped there.";
    private const double DeclinedProbability = 0.95;

    private Task<(CardHolderSession Holder, long CardId, long TransactionId)> PaidAsync(decimal amount, double probability, Decision expected) =>
        factory.NewHolderPaidAsync(amount, probability, expected);

    private Task<(CardHolderSession Holder, long CardId, long TransactionId)> ApprovedAsync(decimal amount) =>
        PaidAsync(amount, ControlledRiskModel.ApprovedProbability, Decision.Approved);

    /// <summary>A new holder's payment (approved unless said otherwise) that they have reported as "not me".</summary>
    private async Task<(CardHolderSession Holder, long CardId, long TransactionId)> ReportedNotMeAsync(
        double probability = ControlledRiskModel.ApprovedProbability, Decision expected = Decision.Approved)
    {
        var (holder, card, id) = await PaidAsync(250m, probability, expected);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.NotMe, NotMe)).StatusCode);
        return (holder, card, id);
    }

    [Fact]
    public async Task Decide_CardPaidWithDuringTheDecisionsSave_PaymentWaitsAndTheRefundAppliesOnce()
    {
        // Arrange (tests review: nothing failed when the retry on a card whose balance alone had moved was removed; the
        // decision now holds the card, so a payment's balance change from another connection waits for it)
        var (holder, card, id) = await ReportedNotMeAsync();
        using var _ = holder;
        var during = new ChangeDuringSave(db => db.ChangeTracker.Entries<Card>().Any(e => e.Entity.Id == card && e.State == EntityState.Modified),
            () => factory.QueryAsync(db => db.Database.ExecuteSqlAsync($"""UPDATE "Cards" SET "Balance" = "Balance" + 100 WHERE "Id" = {card}""")));
        factory.DuringSave.Inner = during;
        HttpResponseMessage response;
        try
        {
            // Act
            response = await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true);
            await during.AllDoneAsync();
        }
        finally
        {
            factory.DuringSave.Inner = null;
        }

        // Assert: the decision stood at its first save (no "already decided", no retry), the refund applied once, and
        // the payment's change (1.00, stored in cents) came after it
        Assert.Equal((1, 0), (during.Saves, during.CompletedDuringSave));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Fraud, tx.Label);
        Assert.NotNull(tx.RefundedUtc);
        Assert.Equal(ReportStatus.Confirmed, (await factory.ReportOfAsync(id)).Status);
        Assert.Equal(1m, await factory.BalanceAsync(card));
    }

    [Fact]
    public async Task Details_DeclinedAsTooRisky_SaysWhatToDoIfItWasYou()
    {
        // Arrange (UI review: the page said the payment was declined and nothing about what next)
        var (holder, _, declined) = await PaidAsync(40m, DeclinedProbability, Decision.Declined);
        using var _ = holder;
        var (other, _, approved) = await ApprovedAsync(40m);
        using var __ = other;

        // Act
        var declinedPage = await holder.DetailsAsync(declined);
        var approvedPage = await other.DetailsAsync(approved);

        // Assert
        Assert.Contains("“This was me”", declinedPage.QuerySelector("[data-testid=declined-next-step]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(approvedPage.QuerySelector("[data-testid=declined-next-step]"));
    }

    [Fact]
    public async Task Decide_ConfirmNotMeOnApprovedPayment_BalanceRestoredAndHolderSeesRefund()
    {
        // Arrange
        var (holder, card, id) = await ApprovedAsync(250m);
        using var _ = holder;
        Assert.Equal(250m, await factory.BalanceAsync(card));
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.NotMe, NotMe)).StatusCode);

        // Act
        var response = await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true);

        // Assert: the label, the report's decision and the credit landed together.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0m, await factory.BalanceAsync(card));
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Fraud, tx.Label);
        Assert.NotNull(tx.RefundedUtc);
        Assert.Equal(RefundReasons.ConfirmedFraud, tx.RefundReason);
        Assert.Equal(ReportStatus.Confirmed, (await factory.ReportOfAsync(id)).Status);

        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        var row = profile.QuerySelector($"#transactions tr[data-transaction-id='{id}']")!;
        Assert.Equal("Refunded", row.QuerySelector("[data-decision]")!.GetAttribute("data-decision"));
        Assert.Contains("Refunded — confirmed fraud", row.TextContent, StringComparison.Ordinal);
        Assert.NotNull(row.QuerySelector("[data-testid=refund-note]"));
        Assert.NotNull(profile.QuerySelector($"#fraud-history tr[data-transaction-id='{id}'] [data-decision=Refunded]"));
        Assert.Equal("1000", profile.QuerySelector($"[data-card-id='{card}'] [data-available]")!.GetAttribute("data-available")!.Split('.')[0]);

        var details = await holder.DetailsAsync(id);
        Assert.Equal("Refunded — confirmed fraud", Html.StatusHeading(details));
        Assert.Equal("true", details.QuerySelector("[role=status]")!.GetAttribute("data-refunded"));
        Assert.Contains("1,000.00", details.QuerySelector("dl")!.TextContent, StringComparison.Ordinal);
        Assert.Null(details.QuerySelector("[data-testid=report-link]"));

        var reportPage = await Html.GetPageAsync(holder.Client, $"/Reports/New?transactionId={id}");
        Assert.Contains("money was returned", reportPage.QuerySelector("[data-testid=report-refunded]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_RejectNotMeOnApprovedPayment_NoRefund()
    {
        // Arrange
        var (holder, card, id) = await ReportedNotMeAsync();
        using var _ = holder;

        // Act
        var response = await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(250m, await factory.BalanceAsync(card));
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Legitimate, tx.Label);
        Assert.Null(tx.RefundedUtc);
        Assert.Equal(ReportStatus.Rejected, (await factory.ReportOfAsync(id)).Status);
        var (decision, row) = await holder.HistoryRowAsync(id);
        Assert.Equal("Approved", decision);
        Assert.Null(row.QuerySelector("[data-testid=refund-note]"));
    }

    [Fact]
    public async Task Decide_RejectNotMe_PageOffersAReportAgainAsTheServiceAllows()
    {
        // Arrange (review: the page hid "Report this payment" once any report existed, while the service and the API take
        // a new one once the last is decided)
        var (holder, _, id) = await ReportedNotMeAsync();
        using var _h = holder;
        Assert.Null((await holder.DetailsAsync(id)).QuerySelector("[data-testid=report-link]"));
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: false)).StatusCode);

        // Act
        var details = await holder.DetailsAsync(id);
        var again = await holder.ReportAsync(id, ReportKind.NotMe, "I still have never shopped there: my bank statement shows it.");

        // Assert: offered on the page, and taken: a second report, open for review
        Assert.NotNull(details.QuerySelector("[data-testid=report-link]"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var statuses = await factory.QueryAsync(db => db.FraudReports.Where(r => r.TransactionId == id).OrderBy(r => r.Id).Select(r => r.Status).ToListAsync());
        Assert.Equal([ReportStatus.Rejected, ReportStatus.Open], statuses);
    }

    [Fact]
    public async Task Decide_ConfirmNotMeOnDeclinedPayment_NothingChargedSoNoRefund()
    {
        // Arrange
        var (holder, card, id) = await ReportedNotMeAsync(DeclinedProbability, Decision.Declined);
        using var _ = holder;

        // Act
        var response = await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0m, await factory.BalanceAsync(card));
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Fraud, tx.Label);
        Assert.Null(tx.RefundedUtc);
        var (decision, row) = await holder.HistoryRowAsync(id);
        Assert.Equal("Declined", decision);
        Assert.Contains("Confirmed fraud", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_ConfirmNotMeAfterApprovedAfterReview_Refunded()
    {
        // Arrange: held, cleared by an analyst (charged), later reported "not me" and confirmed.
        var (holder, card, id) = await PaidAsync(300m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await analyst.DecideAsync(id, confirm: false);
        Assert.Equal(300m, await factory.BalanceAsync(card));
        await holder.ReportAsync(id, ReportKind.NotMe, NotMe);

        // Act
        var response = await analyst.DecideAsync(id, confirm: true);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0m, await factory.BalanceAsync(card));
        var tx = await factory.TransactionAsync(id);
        Assert.Equal(ReviewSettlement.Charged, tx.Settlement);
        Assert.NotNull(tx.RefundedUtc);
    }

    [Fact]
    public async Task Decide_TwoAnalystsConfirmAtOnce_RefundedOnce()
    {
        // Arrange: another approved payment keeps the balance above zero, so a second credit would show.
        var (holder, card, id) = await ReportedNotMeAsync();
        using var _ = holder;
        await factory.PayAtRiskAsync(holder, card, 400m, ControlledRiskModel.ApprovedProbability);
        Assert.Equal(650m, await factory.BalanceAsync(card));
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var forms = new[] { await first.DecisionFormAsync(id), await second.DecisionFormAsync(id) };

        // Act
        var (responses, pages) = await forms.SubmitAtOnceAsync(confirm: true);

        // Assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Single(pages, p => p.ReviewError()?.Contains("already decided", StringComparison.Ordinal) == true);
        Assert.Equal(400m, await factory.BalanceAsync(card));
        Assert.NotNull((await factory.TransactionAsync(id)).RefundedUtc);
        Assert.Equal(ReportStatus.Confirmed, (await factory.ReportOfAsync(id)).Status);
    }

    [Fact]
    public async Task Decide_SecondAnalystWithStaleForm_AlreadyDecidedAndRefundedOnce()
    {
        // Arrange
        var (holder, card, id) = await ReportedNotMeAsync();
        using var _ = holder;
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var firstForm = await first.DecisionFormAsync(id);
        var secondForm = await second.DecisionFormAsync(id);

        // Act
        var won = await firstForm.SubmitAsync(confirm: true);
        var (_, page) = await secondForm.SubmitAndFollowAsync(confirm: true);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, won.StatusCode);
        Assert.Contains(ReviewService.AlreadyDecided, page.ReviewError(), StringComparison.Ordinal);
        Assert.Equal(0m, await factory.BalanceAsync(card));
        Assert.Equal(first.Email, (await factory.TransactionAsync(id)).LabelledBy);
    }

    [Fact]
    public async Task Report_AfterRefund_RefusedAndNothingCharged()
    {
        // Arrange
        var (holder, card, id) = await ReportedNotMeAsync();
        using var _ = holder;
        await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true);

        // Act: "this was me" would make it legitimate again, i.e. charge it again.
        var response = await holder.ReportAsync(id, ReportKind.ThisWasMe, "Actually it was my son.");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
        Assert.Equal(0m, await factory.BalanceAsync(card));
        Assert.Equal(FraudLabel.Fraud, (await factory.TransactionAsync(id)).Label);
    }

    [Fact]
    public async Task ChartData_RefundedPayment_NotCountedAsSpend()
    {
        // Arrange
        var (holder, card, id) = await ReportedNotMeAsync();
        using var _ = holder;
        await factory.PayAtRiskAsync(holder, card, 40m, ControlledRiskModel.ApprovedProbability);
        await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true);

        // Act
        var json = await holder.Client.GetStringAsync(new Uri("/Profile/ChartData", UriKind.Relative));

        // Assert
        using var chart = JsonDocument.Parse(json);
        Assert.Equal(40m, chart.RootElement.GetProperty("spend")[29].GetDecimal());
    }

    [Fact]
    public async Task SeededHistory_LabelledFraud_NeverRefundedAndBalancesUntouched()
    {
        // Arrange + Act: the app has started and seeded its simulated history.
        var seeded = await factory.QueryAsync(db => db.Transactions.AsNoTracking()
            .Where(t => t.Source == TransactionSource.Simulated)
            .GroupBy(t => 1)
            .Select(g => new { Fraud = g.Count(t => t.Label == FraudLabel.Fraud), Refunded = g.Count(t => t.RefundedUtc != null) })
            .SingleAsync());
        var simulatedBalances = await factory.QueryAsync(db => db.Cards.Where(c => c.CardHolder!.IsSimulated).Select(c => c.Balance).Distinct().ToListAsync());

        // Assert
        Assert.True(seeded.Fraud > 0);
        Assert.Equal(0, seeded.Refunded);
        Assert.Equal([0m], simulatedBalances);
    }
}
