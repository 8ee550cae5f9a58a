using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Reports;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.ViewModels.Reports;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>
/// The review queue's buttons say what they do to the payment, whatever the report claims; the message after a
/// decision says what happened; a payment's own page shows its report instead of offering a second one.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ReviewWordingTests(FraudWebFactory factory)
{
    [Theory]
    // "Not me": confirming the claim means fraud.
    [InlineData("NotMe", PaymentStatus.Approved, true, "Mark as fraud and refund €120.00", false, "Mark as legitimate")]
    [InlineData("NotMe", PaymentStatus.Review, true, "Mark as fraud and decline it", false, "Mark as legitimate and charge it")]
    // "This was me": confirming the claim means legitimate.
    [InlineData("ThisWasMe", PaymentStatus.Declined, false, "Mark as fraud", true, "Mark as legitimate")]
    [InlineData("ThisWasMe", PaymentStatus.Review, false, "Mark as fraud and decline it", true, "Mark as legitimate and charge it")]
    [InlineData("ThisWasMe", PaymentStatus.ApprovedAfterReview, false, "Mark as fraud and refund €120.00", true, "Mark as legitimate")]
    // A held payment without a report: "confirm" is fraud.
    [InlineData(null, PaymentStatus.Review, true, "Mark as fraud and decline it", false, "Mark as legitimate and charge it")]
    public void Choices_ReportKindAndStatus_SayTheOutcomeAndPostTheMatchingValue(string? kind, PaymentStatus status,
        bool fraudConfirms, string fraudLabel, bool legitimateConfirms, string legitimateLabel)
    {
        // Arrange
        var item = new ReviewItemViewModel(1, kind is null ? null : 2, kind, "reason", null, null, DateTime.UtcNow, "Visa •••• 1111", "Shop",
            120m, status, 50, "v1", [], [], []);

        // Act
        var (fraud, legitimate) = item.Choices;

        // Assert
        Assert.Equal((fraudConfirms, fraudLabel), (fraud.Confirm, fraud.Label));
        Assert.Equal((legitimateConfirms, legitimateLabel), (legitimate.Confirm, legitimate.Label));
        // A refund is final: asked once more (UI review); nothing else is
        Assert.Equal(fraudLabel.Contains("refund", StringComparison.Ordinal), fraud.Question is not null);
        Assert.Null(legitimate.Question);
    }

    [Theory]
    [InlineData(FraudLabel.Fraud, null, 120.5, "Payment #7 marked as fraud; €120.50 credited back to the card.")]
    [InlineData(FraudLabel.Fraud, ReviewSettlement.Declined, null, "Payment #7 marked as fraud and declined.")]
    [InlineData(FraudLabel.Fraud, null, null, "Payment #7 marked as fraud.")]
    [InlineData(FraudLabel.Legitimate, ReviewSettlement.Charged, null, "Payment #7 marked as legitimate and charged to the card.")]
    [InlineData(FraudLabel.Legitimate, null, null, "Payment #7 marked as legitimate.")]
    public void Describe_Outcome_SaysWhatHappened(FraudLabel label, ReviewSettlement? settled, double? refunded, string expected)
    {
        // Act
        var text = ReviewOutcomeText.Describe(new ReviewOutcome(7, label, settled, refunded is null ? null : (decimal)refunded));

        // Assert
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Describe_LegitimateButNotChargeable_SaysItStaysDeclined()
    {
        // Act
        var text = ReviewOutcomeText.Describe(new ReviewOutcome(7, FraudLabel.Legitimate, ReviewSettlement.Declined, null));

        // Assert
        Assert.StartsWith("Payment #7 marked as legitimate, but it could not be charged", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Details_Reported_ShowsTheReportAndNoReportButton()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await holder.PayAndGetIdAsync(await holder.AddCardAsync(), await Merchants.OrdinaryAsync(factory), 20m);
        var before = await holder.DetailsAsync(id);

        // Act
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.NotMe, "I was at home all day with my card.")).StatusCode);
        var after = await holder.DetailsAsync(id);

        // Assert
        Assert.NotNull(before.QuerySelector("[data-testid=report-link]"));
        Assert.Null(before.QuerySelector("[data-testid=report-status]"));
        Assert.Null(after.QuerySelector("[data-testid=report-link]"));
        Assert.Equal("You reported: not me (being reviewed)", after.QuerySelector("[data-testid=report-status]")!.TextContent.Trim());
    }

    [Fact]
    public async Task CardDetails_Reported_TheCardsListShowsTheReportAsTheProfileDoes()
    {
        // Arrange (review finding, 2026-12-04: the card's page listed the payment without its report)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var id = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 20m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.NotMe, "I was at home all day with my card.")).StatusCode);

        // Act
        var cardPage = await Html.GetPageAsync(holder.Client, $"/Cards/Details/{card}");
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");

        // Assert
        string? Status(AngleSharp.Html.Dom.IHtmlDocument page) =>
            page.QuerySelector($"tr[data-transaction-id='{id}'] [data-testid=report-status]")?.TextContent.Trim();
        Assert.Equal("You reported: not me (being reviewed)", Status(cardPage));
        Assert.Equal(Status(profile), Status(cardPage));
    }
}
