using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using static FraudWeb.Tests.Builders.Payments;

namespace FraudWeb.Tests.Domain.Entities;

/// <summary>The one status rule: a refund beats a review's settlement, which beats the verdict's decision.</summary>
public sealed class PaymentStatusTests
{
    [Theory]
    [InlineData(Decision.Approved, PaymentStatus.Approved)]
    [InlineData(Decision.Review, PaymentStatus.Review)]
    [InlineData(Decision.Declined, PaymentStatus.Declined)]
    public void Status_Undecided_IsTheVerdictsDecision(Decision decision, PaymentStatus expected)
    {
        // Arrange
        var (_, transaction) = Submitted(decision);

        // Act
        var status = transaction.Status;

        // Assert
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData(FraudLabel.Legitimate, PaymentStatus.ApprovedAfterReview)]
    [InlineData(FraudLabel.Fraud, PaymentStatus.DeclinedAfterReview)]
    public void Status_HeldThenDecided_IsTheSettlement(FraudLabel label, PaymentStatus expected)
    {
        // Arrange
        var (_, transaction) = Held();

        // Act
        transaction.ApplyLabel(label, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(expected, transaction.Status);
    }

    [Fact]
    public void Status_ClearedAfterReviewThenConfirmedFraud_RefundBeatsSettlement()
    {
        // Arrange
        var (_, transaction) = Held();
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, SecondAnalyst, IssuerTime.InUtc(Later.AddDays(1)));

        // Assert
        Assert.Equal(PaymentStatus.Refunded, transaction.Status);
    }

    [Fact]
    public void Status_ApprovedThenConfirmedFraud_IsRefunded()
    {
        // Arrange
        var (_, transaction) = Submitted(Decision.Approved);

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(PaymentStatus.Refunded, transaction.Status);
    }

    [Fact]
    public void Status_NoVerdict_IsNotScored()
    {
        // Arrange
        var transaction = CardTransaction.Submit(CardTests.NewCard(1000m), 7, 10m, Now);

        // Act
        var status = transaction.Status;

        // Assert
        Assert.Equal(PaymentStatus.NotScored, status);
    }
}
