using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
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
public sealed class FraudRefundTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    private const string NotMe = "I have never shopped there.";
    private const double DeclinedProbability = 0.95;

    /// <summary>A new holder's payment that the (controlled) scorer decides as the probability says.</summary>
    private async Task<(CardHolderSession Holder, long CardId, long TransactionId)> PaidAsync(decimal amount, double probability, Decision expected)
    {
        var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(1000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        factory.Risk.Probability = probability;
        long id;
        try
        {
            id = await holder.PayAndGetIdAsync(card, merchant, amount);
        }
        finally
        {
            factory.Risk.Probability = ControlledRiskModel.HeldProbability;
        }
        Assert.Equal(expected, (await TransactionAsync(id)).Verdict!.Decision);
        return (holder, card, id);
    }

    private Task<(CardHolderSession Holder, long CardId, long TransactionId)> ApprovedAsync(decimal amount) =>
        PaidAsync(amount, ControlledRiskModel.ApprovedProbability, Decision.Approved);

    private Task<CardTransaction> TransactionAsync(long id) =>
        factory.QueryAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id));

    private Task<decimal> BalanceAsync(long cardId) =>
        factory.QueryAsync(db => db.Cards.Where(c => c.Id == cardId).Select(c => c.Balance).SingleAsync());

    private Task<FraudReport> ReportOfAsync(long transactionId) =>
        factory.QueryAsync(db => db.FraudReports.AsNoTracking().OrderByDescending(r => r.Id).FirstAsync(r => r.TransactionId == transactionId));

    private static async Task<IHtmlDocument> ProfileAsync(CardHolderSession holder) => await Html.GetPageAsync(holder.Client, "/Profile");

    [Fact]
    public async Task Decide_ConfirmNotMeOnApprovedPayment_BalanceRestoredAndHolderSeesRefund()
    {
        // Arrange
        var (holder, card, id) = await ApprovedAsync(250m);
        using var _ = holder;
        Assert.Equal(250m, await BalanceAsync(card));
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.NotMe, NotMe)).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.DecideAsync(id, confirm: true);

        // Assert: the label, the report's decision and the credit landed together.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0m, await BalanceAsync(card));
        var tx = await TransactionAsync(id);
        Assert.Equal(FraudLabel.Fraud, tx.Label);
        Assert.NotNull(tx.RefundedUtc);
        Assert.Equal(RefundReasons.ConfirmedFraud, tx.RefundReason);
        Assert.Equal(ReportStatus.Confirmed, (await ReportOfAsync(id)).Status);

        var profile = await ProfileAsync(holder);
        var row = profile.QuerySelector($"#transactions tr[data-transaction-id='{id}']")!;
        Assert.Equal("Refunded", row.QuerySelector("[data-decision]")!.GetAttribute("data-decision"));
        Assert.Contains("Refunded — confirmed fraud", row.TextContent, StringComparison.Ordinal);
        Assert.NotNull(row.QuerySelector("[data-testid=refund-note]"));
        Assert.NotNull(profile.QuerySelector($"#fraud-history tr[data-transaction-id='{id}'] [data-decision=Refunded]"));
        Assert.Equal("1000", profile.QuerySelector($"[data-card-id='{card}'] [data-available]")!.GetAttribute("data-available")!.Split('.')[0]);

        var details = await Html.GetPageAsync(holder.Client, $"/Transactions/Details/{id}");
        Assert.Equal("Refunded — confirmed fraud", details.QuerySelector("[role=status] h1")!.TextContent.Trim());
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
        var (holder, card, id) = await ApprovedAsync(250m);
        using var _ = holder;
        await holder.ReportAsync(id, ReportKind.NotMe, NotMe);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.DecideAsync(id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(250m, await BalanceAsync(card));
        var tx = await TransactionAsync(id);
        Assert.Equal(FraudLabel.Legitimate, tx.Label);
        Assert.Null(tx.RefundedUtc);
        Assert.Equal(ReportStatus.Rejected, (await ReportOfAsync(id)).Status);
        var row = (await ProfileAsync(holder)).QuerySelector($"#transactions tr[data-transaction-id='{id}']")!;
        Assert.Equal("Approved", row.QuerySelector("[data-decision]")!.GetAttribute("data-decision"));
        Assert.Null(row.QuerySelector("[data-testid=refund-note]"));
    }

    [Fact]
    public async Task Decide_ConfirmNotMeOnDeclinedPayment_NothingChargedSoNoRefund()
    {
        // Arrange
        var (holder, card, id) = await PaidAsync(250m, DeclinedProbability, Decision.Declined);
        using var _ = holder;
        await holder.ReportAsync(id, ReportKind.NotMe, NotMe);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.DecideAsync(id, confirm: true);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0m, await BalanceAsync(card));
        var tx = await TransactionAsync(id);
        Assert.Equal(FraudLabel.Fraud, tx.Label);
        Assert.Null(tx.RefundedUtc);
        var row = (await ProfileAsync(holder)).QuerySelector($"#transactions tr[data-transaction-id='{id}']")!;
        Assert.Equal("Declined", row.QuerySelector("[data-decision]")!.GetAttribute("data-decision"));
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
        Assert.Equal(300m, await BalanceAsync(card));
        await holder.ReportAsync(id, ReportKind.NotMe, NotMe);

        // Act
        var response = await analyst.DecideAsync(id, confirm: true);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0m, await BalanceAsync(card));
        var tx = await TransactionAsync(id);
        Assert.Equal(ReviewSettlement.Charged, tx.Settlement);
        Assert.NotNull(tx.RefundedUtc);
    }

    [Fact]
    public async Task Decide_TwoAnalystsConfirmAtOnce_RefundedOnce()
    {
        // Arrange: another approved payment keeps the balance above zero, so a second credit would show.
        var (holder, card, id) = await ApprovedAsync(250m);
        using var _ = holder;
        factory.Risk.Probability = ControlledRiskModel.ApprovedProbability;
        try
        {
            await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 400m);
        }
        finally
        {
            factory.Risk.Probability = ControlledRiskModel.HeldProbability;
        }
        Assert.Equal(650m, await BalanceAsync(card));
        await holder.ReportAsync(id, ReportKind.NotMe, NotMe);
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var forms = new[] { await first.DecisionFormAsync(id), await second.DecisionFormAsync(id) };

        // Act
        var responses = await Task.WhenAll(forms.Select(f => f.SubmitAsync(confirm: true)));
        var pages = new List<IHtmlDocument>();
        for (var i = 0; i < forms.Length; i++) pages.Add(await Html.GetPageAsync(forms[i].Analyst.Client, Html.Location(responses[i])));

        // Assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Single(pages, p => p.QuerySelector("[data-testid=review-error]")?.TextContent.Contains("already decided", StringComparison.Ordinal) == true);
        Assert.Equal(400m, await BalanceAsync(card));
        Assert.NotNull((await TransactionAsync(id)).RefundedUtc);
        Assert.Equal(ReportStatus.Confirmed, (await ReportOfAsync(id)).Status);
    }

    [Fact]
    public async Task Decide_SecondAnalystWithStaleForm_AlreadyDecidedAndRefundedOnce()
    {
        // Arrange
        var (holder, card, id) = await ApprovedAsync(250m);
        using var _ = holder;
        await holder.ReportAsync(id, ReportKind.NotMe, NotMe);
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var firstForm = await first.DecisionFormAsync(id);
        var secondForm = await second.DecisionFormAsync(id);

        // Act
        var won = await firstForm.SubmitAsync(confirm: true);
        var late = await secondForm.SubmitAsync(confirm: true);
        var page = await Html.GetPageAsync(second.Client, Html.Location(late));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, won.StatusCode);
        Assert.Contains(ReviewService.AlreadyDecided, page.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0m, await BalanceAsync(card));
        Assert.Equal(first.Email, (await TransactionAsync(id)).LabelledBy);
    }

    [Fact]
    public async Task Report_AfterRefund_RefusedAndNothingCharged()
    {
        // Arrange
        var (holder, card, id) = await ApprovedAsync(250m);
        using var _ = holder;
        await holder.ReportAsync(id, ReportKind.NotMe, NotMe);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await analyst.DecideAsync(id, confirm: true);

        // Act: "this was me" would make it legitimate again, i.e. charge it again.
        var response = await holder.ReportAsync(id, ReportKind.ThisWasMe, "Actually it was my son.");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
        Assert.Equal(0m, await BalanceAsync(card));
        Assert.Equal(FraudLabel.Fraud, (await TransactionAsync(id)).Label);
    }

    [Fact]
    public async Task ChartData_RefundedPayment_NotCountedAsSpend()
    {
        // Arrange
        var (holder, card, id) = await ApprovedAsync(250m);
        using var _ = holder;
        factory.Risk.Probability = ControlledRiskModel.ApprovedProbability;
        try
        {
            await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 40m);
        }
        finally
        {
            factory.Risk.Probability = ControlledRiskModel.HeldProbability;
        }
        await holder.ReportAsync(id, ReportKind.NotMe, NotMe);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await analyst.DecideAsync(id, confirm: true);

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
