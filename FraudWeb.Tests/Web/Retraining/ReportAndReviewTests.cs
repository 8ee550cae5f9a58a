using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Reports;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Retraining;

[Collection(WebTestGroup.Name)]
public sealed class ReportAndReviewTests(FraudWebFactory factory)
{
    private const string Reason = "I did not make this payment.";

    /// <summary>More than a new card's 5,000 credit: declined whatever the model says.</summary>
    private const decimal OverCredit = 6000m;

    private async Task<(CardHolderSession Session, long TransactionId)> PaidAsync(decimal amount = 42m)
    {
        var session = await CardHolderSession.RegisteredAsync(factory);
        var card = await session.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        return (session, await session.PayAndGetIdAsync(card, merchant, amount));
    }

    [Fact]
    public async Task Report_OwnTransaction_OpensReportShownInFraudHistory()
    {
        // Arrange
        var (session, id) = await PaidAsync();
        using var _ = session;

        // Act
        var response = await session.ReportAsync(id, ReportKind.NotMe, Reason);

        // Assert
        Assert.Equal("/Profile", Html.Location(response));
        var report = await factory.QueryAsync(db => db.FraudReports.SingleAsync(r => r.TransactionId == id));
        Assert.Equal(ReportStatus.Open, report.Status);
        Assert.Equal(Reason, report.Reason);
        var profile = await Html.GetPageAsync(session.Client, "/Profile");
        Assert.Contains("not me (being reviewed)", profile.QuerySelector("[data-testid=report-status]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminUserDetails_UserReportedTransaction_ListsReportWithMaskedCard()
    {
        // Arrange
        var (session, id) = await PaidAsync();
        using var _ = session;
        await session.ReportAsync(id, ReportKind.NotMe, Reason);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == session.Email).Select(u => u.Id).SingleAsync());

        // Act
        var page = await Html.GetPageAsync(admin.Client, $"/AdminUsers/Details/{userId}");

        // Assert
        var row = page.QuerySelector($"[data-report-transaction-id='{id}']");
        Assert.NotNull(row);
        Assert.Contains("Not me", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Open", row.TextContent, StringComparison.Ordinal);
        Assert.Contains(Reason, row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ReasonTooShort_ShowsValidationMessage()
    {
        // Arrange
        var (session, id) = await PaidAsync();
        using var _ = session;

        // Act
        var response = await session.ReportAsync(id, ReportKind.NotMe, "no");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Html.ValidationMessages(await Html.ParseAsync(response)), m => m.Contains("between 4 and 500", StringComparison.Ordinal));
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Report_ApprovedPayment_OffersOnlyNotMeAndRefusesThisWasMe()
    {
        // Arrange
        var (session, id) = await PaidAsync();
        using var _ = session;
        var stored = await factory.TransactionAsync(id);
        Assert.True(stored.WasCharged);

        // Act
        var form = await Html.GetPageAsync(session.Client, $"/Reports/New?transactionId={id}");
        var response = await session.ReportAsync(id, ReportKind.ThisWasMe, "It was me, let it through.");

        // Assert
        Assert.Null(form.QuerySelector("#kind-wasme"));
        Assert.NotNull(form.QuerySelector("#kind-notme[checked]"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Html.ValidationMessages(await Html.ParseAsync(response)), m => m.Contains("went through", StringComparison.Ordinal));
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Report_DeclinedForCredit_OffersOnlyNotMeAndRefusesThisWasMeSayingWhy()
    {
        // Arrange (QA: "this was me" was taken on a payment the card's credit declined, and the analyst's "confirmed"
        // changed nothing; the fraud check did not stop it, so there is no stop to dispute)
        var (session, id) = await PaidAsync(OverCredit);
        using var _ = session;

        // Act
        var form = await Html.GetPageAsync(session.Client, $"/Reports/New?transactionId={id}");
        var response = await session.ReportAsync(id, ReportKind.ThisWasMe, "It was me, let it through.");

        // Assert
        Assert.Null(form.QuerySelector("#kind-wasme"));
        Assert.NotNull(form.QuerySelector("#kind-notme[checked]"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(ReportService.DeclinedForCredit, Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Report_NotMeOnACreditDecline_Opened()
    {
        // Arrange: a declined attempt the holder did not make is still theirs to report
        var (session, id) = await PaidAsync(OverCredit);
        using var _ = session;

        // Act
        var response = await session.ReportAsync(id, ReportKind.NotMe, Reason);

        // Assert
        Assert.Equal("/Profile", Html.Location(response));
        Assert.Equal(ReportKind.NotMe, (await factory.ReportOfAsync(id)).Kind);
    }

    [Fact]
    public async Task ReportForm_Payment_SummaryShowsAmountWithCurrencyAndGrouping()
    {
        // Arrange
        var (session, id) = await PaidAsync(OverCredit);
        using var _ = session;

        // Act
        var form = await Html.GetPageAsync(session.Client, $"/Reports/New?transactionId={id}");

        // Assert: as on every other page (Money.Format), not "6000.00"
        Assert.StartsWith("€6,000.00 at ", form.QuerySelector("[data-testid=report-summary]")!.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_SecondOpenReport_IsRefusedWithMessage()
    {
        // Arrange
        var (session, id) = await PaidAsync();
        using var _ = session;
        await session.ReportAsync(id, ReportKind.NotMe, Reason);

        // Act
        var response = await session.ReportAsync(id, ReportKind.ThisWasMe, "It was me after all, really.");

        // Assert: the page says so in place of the form.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("already reported", page.QuerySelector("[data-testid=report-open]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("form textarea"));
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task ReportForm_PaymentWithAnOpenReport_SaysSoInsteadOfAForm()
    {
        // Arrange
        var (session, id) = await PaidAsync();
        using var _ = session;
        await session.ReportAsync(id, ReportKind.NotMe, Reason);

        // Act
        var page = await Html.GetPageAsync(session.Client, $"/Reports/New?transactionId={id}");

        // Assert: nothing to type that would only be refused.
        Assert.Contains("already reported", page.QuerySelector("[data-testid=report-open]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("form[action^='/Reports/New']"));
    }

    [Fact]
    public async Task Report_AnotherUsersTransaction_Returns404()
    {
        // Arrange
        var (owner, id) = await PaidAsync();
        using var _ = owner;
        using var other = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var form = await other.Client.GetAsync(new Uri($"/Reports/New?transactionId={id}", UriKind.Relative));
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(other.Client, "/Transactions/New"));
        var post = await other.Client.PostAsync(new Uri("/Reports/New", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TransactionId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kind"] = "NotMe",
            ["Reason"] = Reason,
            ["__RequestVerificationToken"] = token,
        }));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, form.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Report_WithoutAntiforgeryToken_Returns400()
    {
        // Arrange
        var (session, id) = await PaidAsync();
        using var _ = session;

        // Act
        var response = await session.Client.PostAsync(new Uri("/Reports/New", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TransactionId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kind"] = "NotMe",
            ["Reason"] = Reason,
        }));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ReviewQueue_Customer_IsDenied()
    {
        // Arrange
        using var customer = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var queue = await customer.Client.GetAsync(new Uri("/Review", UriKind.Relative));
        var models = await customer.Client.GetAsync(new Uri("/Models", UriKind.Relative));

        // Assert
        Assert.Contains("/Account/AccessDenied", Html.Location(queue), StringComparison.Ordinal);
        Assert.Contains("/Account/AccessDenied", Html.Location(models), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewQueue_Analyst_ListsOpenReportsHighestRiskFirstWithMaskedCard()
    {
        // Arrange: two reported payments; the larger amount scores at least as high.
        var (first, low) = await PaidAsync(12m);
        var (second, high) = await PaidAsync(OverCredit);
        using var a = first;
        using var b = second;
        await first.ReportAsync(low, ReportKind.NotMe, Reason);
        await second.ReportAsync(high, ReportKind.NotMe, "I never bought a new laptop.");
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var items = new List<(long Id, int Risk, string Text)>();
        await foreach (var document in analyst.QueuePagesAsync(maxPages: 50))
        {
            foreach (var item in document.QuerySelectorAll("[data-testid=review-item]"))
            {
                var risk = item.QuerySelector("[data-testid=risk]")!.TextContent.Replace("Risk", "", StringComparison.Ordinal).Trim();
                items.Add((long.Parse(item.GetAttribute("data-transaction-id")!, System.Globalization.CultureInfo.InvariantCulture),
                    int.TryParse(risk, out var r) ? r : -1, item.TextContent));
            }
        }

        // Assert
        Assert.Contains(items, i => i.Id == low);
        Assert.Contains(items, i => i.Id == high);
        Assert.Equal(items.Select(i => i.Risk).OrderByDescending(r => r), items.Select(i => i.Risk));
        var shown = items.First(i => i.Id == high).Text;
        Assert.Contains("•••• ", shown, StringComparison.Ordinal);
        Assert.Contains("customer_nb_tx_1day", shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, FraudLabel.Fraud, ReportStatus.Confirmed)]
    [InlineData(false, FraudLabel.Legitimate, ReportStatus.Rejected)]
    public async Task Decide_NotMeReport_SetsLabelAndClosesReport(bool confirm, FraudLabel label, ReportStatus status)
    {
        // Arrange ("this was me" disputes the fraud check's stop: HeldPaymentTests, whose model declines on demand)
        var (session, id) = await PaidAsync();
        using var _ = session;
        await session.ReportAsync(id, ReportKind.NotMe, Reason);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.DecideAsync(id, confirm);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var tx = await factory.QueryAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id));
        var report = await factory.QueryAsync(db => db.FraudReports.AsNoTracking().SingleAsync(r => r.TransactionId == id));
        Assert.Equal(label, tx.Label);
        Assert.Equal(analyst.Email, tx.LabelledBy);
        Assert.NotNull(tx.LabelledUtc);
        Assert.Equal(status, report.Status);
        Assert.Equal(analyst.Email, report.DecidedBy);
    }

    [Fact]
    public async Task Decide_SecondAnalystWithStaleToken_GetsClearMessage()
    {
        // Arrange: both analysts load the same item.
        var (session, id) = await PaidAsync();
        using var _ = session;
        await session.ReportAsync(id, ReportKind.NotMe, Reason);
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var report = await factory.QueryAsync(db => db.FraudReports.AsNoTracking().SingleAsync(r => r.TransactionId == id));
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(second.Client, "/Review"));

        // Act
        await first.DecideAsync(id, confirm: true);
        var late = await second.Client.PostAsync(new Uri("/Review/Decide", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TransactionId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ReportId"] = report.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ReportVersion"] = report.RowVersion.ToString(),
            ["Confirm"] = "false",
            ["__RequestVerificationToken"] = token,
        }));
        var page = await Html.GetPageAsync(second.Client, Html.Location(late));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.Contains("already decided", page.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        var tx = await factory.QueryAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id));
        Assert.Equal(FraudLabel.Fraud, tx.Label);
        Assert.Equal(first.Email, tx.LabelledBy);
    }
}
