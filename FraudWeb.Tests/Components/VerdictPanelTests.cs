using Bunit;
using FraudWeb.Components;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Transactions;

namespace FraudWeb.Tests.Components;

/// <summary>The verdict as the holder reads it: headline and colour by where the payment stands, the reasons in words, never the score.</summary>
public sealed class VerdictPanelTests : ComponentTestContext
{
    private static TransactionResultViewModel Payment(PaymentStatus status, Decision? decision, IReadOnlyList<string>? reasons = null,
        string? declineReason = null, string? settlementReason = null, DateTime? refundedUtc = null, FraudLabel label = FraudLabel.Unknown) => new()
    {
        Label = label,
        DeclineReason = declineReason,
        SettlementReason = settlementReason,
        RefundedUtc = refundedUtc,
        Id = 5,
        TimestampUtc = new DateTime(2026, 11, 30, 14, 5, 0, DateTimeKind.Utc),
        Card = "Visa •••• 4242",
        Merchant = "Meadow Cinema, Northam",
        Category = "Entertainment",
        Amount = 120m,
        Decision = decision,
        Status = status,
        Reasons = reasons ?? [],
    };

    [Theory]
    [InlineData(PaymentStatus.Approved, Decision.Approved, "alert-success", "Payment approved")]
    [InlineData(PaymentStatus.Review, Decision.Review, "alert-warning", "Held for review")]
    [InlineData(PaymentStatus.ApprovedAfterReview, Decision.Review, "alert-success", "Approved after review")]
    [InlineData(PaymentStatus.DeclinedAfterReview, Decision.Review, "alert-danger", "Declined after review")]
    [InlineData(PaymentStatus.Declined, Decision.Declined, "alert-danger", "Payment declined")]
    [InlineData(PaymentStatus.Refunded, Decision.Approved, "alert-info", "Refunded — confirmed fraud")]
    [InlineData(PaymentStatus.NotScored, null, "alert-secondary", "Payment not scored")]
    public void Render_EachStatus_HeadlineColourAndOwnDecision(PaymentStatus status, Decision? decision, string alert, string headline)
    {
        // Act
        var cut = Render<VerdictPanel>(p => p.Add(v => v.Payment, Payment(status, decision)));

        // Assert
        var panel = cut.Find("[role=status]");
        Assert.Contains(alert, panel.ClassList);
        Assert.Equal(headline, cut.Find("h1").TextContent);
        Assert.Equal(decision?.ToString() ?? "NotScored", panel.GetAttribute("data-decision"));
    }

    [Fact]
    public void Render_Reasons_ListedInWordsWithoutTheScore()
    {
        // Act
        var cut = Render<VerdictPanel>(p => p.Add(v => v.Payment, Payment(PaymentStatus.Declined, Decision.Declined,
            ["This amount is 6x your usual spend.", "This merchant has had recent fraud."], declineReason: "The risk of fraud is too high.")));

        // Assert
        Assert.Equal(["This amount is 6x your usual spend.", "This merchant has had recent fraud."], cut.FindAll("ul.reasons li").Select(li => li.TextContent));
        Assert.Equal("The risk of fraud is too high.", cut.Find("[data-testid=decline-reason]").TextContent);
        Assert.DoesNotContain("risk score", cut.Markup, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(DeclineReasons.HighRisk, FraudLabel.Legitimate, DeclineReasons.ClearedAfterDecline)]
    [InlineData(DeclineReasons.HighRisk, FraudLabel.Fraud, DeclineReasons.HighRisk)]
    [InlineData(DeclineReasons.HighRisk, FraudLabel.Unknown, DeclineReasons.HighRisk)]
    [InlineData(DeclineReasons.InsufficientCredit, FraudLabel.Legitimate, DeclineReasons.InsufficientCredit)]
    public void Render_DeclinedThenLabelled_SaysWhatTheReviewFound(string declineReason, FraudLabel label, string shown)
    {
        // Act: an upheld "this was me" on a payment declined at once (review finding, 2026-12-04: it still read "too risky")
        var cut = Render<VerdictPanel>(p => p.Add(v => v.Payment, Payment(PaymentStatus.Declined, Decision.Declined, declineReason: declineReason, label: label)));

        // Assert
        Assert.Equal(shown, cut.Find("[data-testid=decline-reason]").TextContent);
    }

    [Fact]
    public void Render_DecidedByRule_SaysARuleDecidedInsteadOfTheModelsReasons()
    {
        // Arrange: held by a review rule, while the model's own reasons lowered the risk.
        var payment = Payment(PaymentStatus.Review, Decision.Review, ["The amount of this payment lowered the risk."]);

        // Act
        var cut = Render<VerdictPanel>(p => p.Add(v => v.Payment, new TransactionResultViewModel
        {
            Id = payment.Id, TimestampUtc = payment.TimestampUtc, Card = payment.Card, Merchant = payment.Merchant, Category = payment.Category,
            Amount = payment.Amount, Decision = payment.Decision, Status = payment.Status, Reasons = payment.Reasons, DecidedByRule = true,
        }));

        // Assert
        Assert.Equal(["A rule our fraud team sets for payments like this one decided this verdict."], cut.FindAll("ul.reasons li").Select(li => li.TextContent));
        Assert.DoesNotContain("lowered the risk", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoReasons_NoReasonsSection()
    {
        // Act
        var cut = Render<VerdictPanel>(p => p.Add(v => v.Payment, Payment(PaymentStatus.NotScored, null)));

        // Assert
        Assert.Empty(cut.FindAll("#reasons-heading"));
    }

    [Fact]
    public void Render_Refunded_SaysWhenAndHowMuchAndNotTheStoredReason()
    {
        // Act
        var cut = Render<VerdictPanel>(p => p.Add(v => v.Payment, Payment(PaymentStatus.Refunded, Decision.Approved,
            settlementReason: "Confirmed as fraud by the card holder's report.", refundedUtc: new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc))));

        // Assert
        var when = LocalTime.In(TimeZoneInfo.Utc).Format(new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc));
        Assert.Equal($"Refunded on {when}: €120.00 back on your card.", cut.Find("[data-testid=refunded-on]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=decline-reason]"));
        Assert.Equal("true", cut.Find("[role=status]").GetAttribute("data-refunded"));
    }
}
