using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using static FraudWeb.Tests.Builders.Payments;

namespace FraudWeb.Tests.Domain.Entities;

/// <summary>A payment held for review is settled by the analyst's label: charged at most once, fraud never charged.</summary>
public sealed class HeldPaymentSettlementTests
{
    [Fact]
    public void ApplyLabel_LegitimateOnHeldPayment_ChargesCardAndSettlesCharged()
    {
        // Arrange
        var (card, transaction) = Held();

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(250m, card.Balance);
        Assert.Equal(ReviewSettlement.Charged, transaction.Settlement);
        Assert.Null(transaction.SettlementReason);
        Assert.Equal(Later, transaction.SettledUtc);
        Assert.False(transaction.IsAwaitingReview);
    }

    [Fact]
    public void ApplyLabel_FraudOnHeldPayment_DeclinesWithoutCharging()
    {
        // Arrange
        var (card, transaction) = Held();

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(0m, card.Balance);
        Assert.Equal(ReviewSettlement.Declined, transaction.Settlement);
        Assert.Equal(DeclineReasons.ConfirmedFraud, transaction.SettlementReason);
        Assert.True(transaction.IsConfirmedFraud);
    }

    [Fact]
    public void ApplyLabel_LegitimateAfterDeclinedAsFraud_ReasonSaysSoAndStillNotCharged()
    {
        // Arrange: declined as fraud by one review; the holder said "this was me" and another analyst agreed
        var (card, transaction) = Held();
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later.AddDays(1)));

        // Assert: no longer "not made by the card holder"; the money unchanged
        Assert.Equal(DeclineReasons.ClearedAfterDecline, transaction.SettlementReason);
        Assert.Equal(ReviewSettlement.Declined, transaction.Settlement);
        Assert.Equal(0m, card.Balance);
        Assert.False(transaction.IsConfirmedFraud);

        // And back, should a third review say fraud again
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later.AddDays(2)));
        Assert.Equal(DeclineReasons.ConfirmedFraud, transaction.SettlementReason);
    }

    [Fact]
    public void ApplyLabel_LegitimateAfterCreditUsedMeanwhile_DeclinesWithReasonAndKeepsLabel()
    {
        // Arrange: the held payment fitted when submitted; another purchase used the credit before the review.
        var (card, transaction) = Held(700m);
        card.Charge(500m);

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(500m, card.Balance);
        Assert.Equal(ReviewSettlement.Declined, transaction.Settlement);
        Assert.Equal(DeclineReasons.InsufficientCredit, transaction.SettlementReason);
        Assert.Equal(FraudLabel.Legitimate, transaction.Label);
        Assert.Equal(Analyst, transaction.LabelledBy);
    }

    [Fact]
    public void ApplyLabel_LegitimateAfterCardExpired_DeclinesWithReason()
    {
        // Arrange: the test card expires at the end of 12/2028.
        var (card, transaction) = Held(100m);
        var afterExpiry = new DateTime(2029, 1, 3, 9, 0, 0, DateTimeKind.Utc);

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(afterExpiry));

        // Assert
        Assert.Equal(0m, card.Balance);
        Assert.Equal(ReviewSettlement.Declined, transaction.Settlement);
        Assert.Equal(DeclineReasons.CardExpired, transaction.SettlementReason);
    }

    [Fact]
    public void ApplyLabel_RelabelLegitimateAfterCharge_DoesNotChargeAgainOrChangeSettlement()
    {
        // Arrange
        var (card, transaction) = Held();
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, SecondAnalyst, IssuerTime.InUtc(Later.AddHours(1)));

        // Assert
        Assert.Equal(250m, card.Balance);
        Assert.Equal(ReviewSettlement.Charged, transaction.Settlement);
        Assert.Equal(Later, transaction.SettledUtc);
        Assert.Equal(FraudLabel.Legitimate, transaction.Label);
    }

    [Fact]
    public void ApplyLabel_FraudAfterChargedSettlement_RefundsWithoutChangingSettlement()
    {
        // Arrange: cleared and charged after review, later confirmed as fraud (a "not me" report).
        var (card, transaction) = Held();
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, SecondAnalyst, IssuerTime.InUtc(Later.AddHours(1)));

        // Assert
        Assert.Equal(0m, card.Balance);
        Assert.Equal(ReviewSettlement.Charged, transaction.Settlement);
        Assert.Equal(Later, transaction.SettledUtc);
        Assert.Equal(Later.AddHours(1), transaction.RefundedUtc);
    }

    [Fact]
    public void ApplyLabel_LegitimateAfterFraudDecline_NeverCharges()
    {
        // Arrange
        var (card, transaction) = Held();
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, SecondAnalyst, IssuerTime.InUtc(Later.AddHours(1)));

        // Assert
        Assert.Equal(0m, card.Balance);
        Assert.Equal(ReviewSettlement.Declined, transaction.Settlement);
    }

    [Theory]
    [InlineData(Decision.Approved)]
    [InlineData(Decision.Declined)]
    public void ApplyLabel_PaymentNotHeld_LeavesSettlementAndBalanceAlone(Decision decision)
    {
        // Arrange
        var (card, transaction) = Submitted(decision);
        var balance = card.Balance;

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Null(transaction.Settlement);
        Assert.Equal(balance, card.Balance);
    }

    [Fact]
    public void SettleReview_PaymentNotHeld_Throws()
    {
        // Arrange
        var (_, transaction) = Submitted(Decision.Approved, amount: 25m);
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Act
        var error = Assert.Throws<DomainException>(() => transaction.SettleReview(IssuerTime.InUtc(Later)));

        // Assert
        Assert.Contains("held for review", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SettleReview_AlreadySettled_ThrowsAndChargesOnce()
    {
        // Arrange
        var (card, transaction) = Held();
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Act
        var error = Assert.Throws<DomainException>(() => transaction.SettleReview(IssuerTime.InUtc(Later)));

        // Assert
        Assert.Contains("already been settled", error.Message, StringComparison.Ordinal);
        Assert.Equal(250m, card.Balance);
    }

    [Fact]
    public void SettleReview_NotLabelled_ThrowsAndStaysHeld()
    {
        // Arrange
        var (card, transaction) = Held();

        // Act
        Assert.Throws<DomainException>(() => transaction.SettleReview(IssuerTime.InUtc(Later)));

        // Assert
        Assert.True(transaction.IsAwaitingReview);
        Assert.Equal(0m, card.Balance);
    }

    [Fact]
    public void ApplyLabel_Unknown_Throws()
    {
        // Arrange
        var (_, transaction) = Held();

        // Act + Assert
        Assert.Throws<ArgumentException>(() => transaction.ApplyLabel(FraudLabel.Unknown, Analyst, IssuerTime.InUtc(Later)));
        Assert.True(transaction.IsAwaitingReview);
    }

    [Fact]
    public void ApplyLabel_AnyLabel_ChangesConcurrencyToken()
    {
        // Arrange
        var (_, transaction) = Held();
        var before = transaction.RowVersion;

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.NotNull(before);
        Assert.NotEqual(before, transaction.RowVersion);
    }

    [Theory]
    [InlineData(ReportKind.ThisWasMe, true, ReviewSettlement.Charged, 250)]
    [InlineData(ReportKind.ThisWasMe, false, ReviewSettlement.Declined, 0)]
    [InlineData(ReportKind.NotMe, true, ReviewSettlement.Declined, 0)]
    [InlineData(ReportKind.NotMe, false, ReviewSettlement.Charged, 250)]
    public void FraudReportDecide_OnHeldPayment_SettlesIt(ReportKind kind, bool confirm, ReviewSettlement settlement, int balance)
    {
        // Arrange
        var (card, transaction) = Held();
        var report = Report(transaction, kind);

        // Act
        report.Decide(confirm, transaction, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(settlement, transaction.Settlement);
        Assert.Equal(balance, card.Balance);
    }
}
