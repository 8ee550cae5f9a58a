using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using static FraudWeb.Tests.Builders.Payments;

namespace FraudWeb.Tests.Domain.Entities;

/// <summary>
/// Zero liability: fraud confirmed on a payment that was charged is credited back to the card, exactly once; nothing
/// is refunded that was never charged, and a refunded payment's decision is final.
/// </summary>
public sealed class FraudRefundTests
{
    [Fact]
    public void ApplyLabel_FraudOnApprovedPayment_CreditsAmountBackOnce()
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Approved);
        card.Charge(100m);
        var before = transaction.RowVersion;

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(100m, card.Balance);
        Assert.True(transaction.IsRefunded);
        Assert.Equal(Later, transaction.RefundedUtc);
        Assert.Equal(RefundReasons.ConfirmedFraud, transaction.RefundReason);
        Assert.NotEqual(before, transaction.RowVersion);
        Assert.Null(transaction.Settlement);
    }

    [Fact]
    public void ApplyLabel_LegitimateOnApprovedPayment_NoRefund()
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Approved);

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(250m, card.Balance);
        Assert.False(transaction.IsRefunded);
        Assert.Null(transaction.RefundReason);
    }

    [Fact]
    public void ApplyLabel_FraudOnDeclinedPayment_NothingChargedSoNoRefund()
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Declined);
        card.Charge(40m);

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(40m, card.Balance);
        Assert.False(transaction.WasCharged);
        Assert.False(transaction.IsRefunded);
    }

    [Fact]
    public void ApplyLabel_FraudOnPaymentDeclinedForCredit_NoRefund()
    {
        // Arrange: scored approved but over the available credit, so declined and never charged.
        var (card, transaction) = Submitted(Decision.Approved, alreadyCharged: 900m);

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(Decision.Declined, transaction.Verdict!.Decision);
        Assert.Equal(900m, card.Balance);
        Assert.False(transaction.IsRefunded);
    }

    [Fact]
    public void ApplyLabel_FraudOnHeldPayment_DeclinedNotRefunded()
    {
        // Arrange
        var (card, transaction) = Held();

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(ReviewSettlement.Declined, transaction.Settlement);
        Assert.Equal(0m, card.Balance);
        Assert.False(transaction.IsRefunded);
    }

    [Fact]
    public void ApplyLabel_FraudAfterApprovedAfterReview_Refunds()
    {
        // Arrange
        var (card, transaction) = Held();
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Now.AddHours(1)));
        Assert.Equal(250m, card.Balance);

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, SecondAnalyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(0m, card.Balance);
        Assert.True(transaction.IsRefunded);
    }

    [Theory]
    [InlineData(FraudLabel.Fraud)]
    [InlineData(FraudLabel.Legitimate)]
    public void ApplyLabel_AfterRefund_ThrowsAndNeitherChargesNorRefundsAgain(FraudLabel relabel)
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Approved);
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Act
        var error = Assert.Throws<DomainException>(() => transaction.ApplyLabel(relabel, SecondAnalyst, IssuerTime.InUtc(Later.AddHours(1))));

        // Assert
        Assert.Equal(CardTransaction.RefundedIsFinal, error.Message);
        Assert.Equal(0m, card.Balance);
        Assert.Equal(FraudLabel.Fraud, transaction.Label);
        Assert.Equal(Analyst, transaction.LabelledBy);
        Assert.Equal(Later, transaction.RefundedUtc);
    }

    [Fact]
    public void Refund_Twice_ThrowsAndCreditsOnce()
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Approved);
        card.Charge(100m);
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Act
        var error = Assert.Throws<DomainException>(() => transaction.Refund(Later.AddHours(1)));

        // Assert
        Assert.Contains("already been refunded", error.Message, StringComparison.Ordinal);
        Assert.Equal(100m, card.Balance);
        Assert.Equal(Later, transaction.RefundedUtc);
    }

    [Fact]
    public void Refund_LegitimateLabel_Throws()
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Approved);
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Act
        var error = Assert.Throws<DomainException>(() => transaction.Refund(Later));

        // Assert
        Assert.Contains("confirmed as fraud", error.Message, StringComparison.Ordinal);
        Assert.Equal(250m, card.Balance);
        Assert.False(transaction.IsRefunded);
    }

    [Fact]
    public void Refund_NotLabelled_Throws()
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Approved);

        // Act + Assert
        Assert.Throws<DomainException>(() => transaction.Refund(Later));
        Assert.Equal(250m, card.Balance);
    }

    [Theory]
    [InlineData(Decision.Declined)]
    [InlineData(Decision.Review)]
    public void Refund_NeverCharged_Throws(Decision decision)
    {
        // Arrange: a declined payment, or a held one declined as fraud after review.
        var (card, transaction) = Submitted(decision);
        card.Charge(60m);
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Act
        var error = Assert.Throws<DomainException>(() => transaction.Refund(Later));

        // Assert
        Assert.Contains("never charged", error.Message, StringComparison.Ordinal);
        Assert.Equal(60m, card.Balance);
        Assert.False(transaction.IsRefunded);
    }

    [Fact]
    public void FraudReportDecide_ConfirmNotMeOnApprovedPayment_RefundsWithTheDecision()
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Approved);
        var report = Report(transaction, ReportKind.NotMe);

        // Act
        report.Decide(true, transaction, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(ReportStatus.Confirmed, report.Status);
        Assert.Equal(FraudLabel.Fraud, transaction.Label);
        Assert.Equal(0m, card.Balance);
        Assert.True(transaction.IsRefunded);
    }

    [Fact]
    public void FraudReportDecide_RejectNotMeOnApprovedPayment_NoRefund()
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Approved);
        var report = Report(transaction, ReportKind.NotMe);

        // Act
        report.Decide(false, transaction, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(ReportStatus.Rejected, report.Status);
        Assert.Equal(FraudLabel.Legitimate, transaction.Label);
        Assert.Equal(250m, card.Balance);
        Assert.False(transaction.IsRefunded);
    }

    [Fact]
    public void FraudReportDecide_SecondReportAfterRefund_ThrowsAndReportStaysOpen()
    {
        // Arrange
        var (card, transaction) = Submitted(Decision.Approved);
        Report(transaction, ReportKind.NotMe).Decide(true, transaction, Analyst, IssuerTime.InUtc(Later));
        var second = FraudReport.Open(transaction, ReportKind.ThisWasMe, "Actually it was my son.", Later);

        // Act
        Assert.Throws<DomainException>(() => second.Decide(true, transaction, SecondAnalyst, IssuerTime.InUtc(Later.AddDays(1))));

        // Assert: the label stays, no charge back onto the card.
        Assert.Equal(ReportStatus.Open, second.Status);
        Assert.Null(second.DecidedBy);
        Assert.Equal(0m, card.Balance);
        Assert.Equal(FraudLabel.Fraud, transaction.Label);
    }

    [Fact]
    public void Credit_PositiveAmount_LowersBalanceEvenBelowZero()
    {
        // Arrange: the holder had already paid the fraudulent charge off.
        var card = CardTests.NewCard(1000m);
        card.Charge(250m);
        card.Repay(250m);

        // Act
        card.Credit(250m);

        // Assert
        Assert.Equal(-250m, card.Balance);
        Assert.Equal(1250m, card.AvailableCredit);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void Credit_NotPositive_Throws(decimal amount)
    {
        // Arrange
        var card = CardTests.NewCard(1000m);

        // Act + Assert
        Assert.Throws<DomainException>(() => card.Credit(amount));
        Assert.Equal(0m, card.Balance);
    }
}
