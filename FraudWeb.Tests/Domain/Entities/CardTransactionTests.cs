using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Domain.Entities;

public sealed class CardTransactionTests
{
    private static readonly DateTime Now = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void RecordVerdict_Approved_ChargesCard()
    {
        // Arrange
        var card = CardTests.NewCard(1000m);
        var transaction = CardTransaction.Submit(card, 7, 250m, Now);

        // Act
        transaction.RecordVerdict(Verdict(10, Decision.Approved));

        // Assert
        Assert.Equal(250m, card.Balance);
        Assert.Equal(Decision.Approved, transaction.Verdict!.Decision);
    }

    [Theory]
    [InlineData(Decision.Review)]
    [InlineData(Decision.Declined)]
    public void RecordVerdict_NotApproved_DoesNotCharge(Decision decision)
    {
        // Arrange
        var card = CardTests.NewCard(1000m);
        var transaction = CardTransaction.Submit(card, 7, 250m, Now);

        // Act
        transaction.RecordVerdict(Verdict(70, decision));

        // Assert
        Assert.Equal(0m, card.Balance);
    }

    [Fact]
    public void RecordVerdict_OverAvailableCredit_DeclinesWithReason()
    {
        // Arrange
        var card = CardTests.NewCard(1000m);
        card.Charge(900m);
        var transaction = CardTransaction.Submit(card, 7, 250m, Now);

        // Act
        transaction.RecordVerdict(Verdict(5, Decision.Approved));

        // Assert
        Assert.Equal(Decision.Declined, transaction.Verdict!.Decision);
        Assert.Equal(DeclineReasons.InsufficientCredit, transaction.Verdict.DeclineReason);
        Assert.Equal(900m, card.Balance);
    }

    [Fact]
    public void RecordVerdict_Twice_Throws()
    {
        // Arrange
        var transaction = CardTransaction.Submit(CardTests.NewCard(1000m), 7, 25m, Now);
        transaction.RecordVerdict(Verdict(5, Decision.Approved));

        // Act + Assert
        Assert.Throws<DomainException>(() => transaction.RecordVerdict(Verdict(5, Decision.Approved)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(0.001)]
    public void Submit_InvalidAmount_Throws(decimal amount) =>
        Assert.Throws<DomainException>(() => CardTransaction.Submit(CardTests.NewCard(1000m), 7, amount, Now));

    [Theory]
    [InlineData(-1)]
    [InlineData(100)]
    public void Verdict_RiskScoreOutOfRange_Throws(int score) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Verdict(score, Decision.Approved));

    [Fact]
    public void ApplyLabel_Fraud_IsConfirmedFraud()
    {
        // Arrange
        var transaction = CardTransaction.Submit(CardTests.NewCard(1000m), 7, 25m, Now);

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, "analyst@example.test", IssuerTime.InUtc(Now));

        // Assert
        Assert.True(transaction.IsConfirmedFraud);
        Assert.Equal("analyst@example.test", transaction.LabelledBy);
    }

    private static Verdict Verdict(int score, Decision decision) => new(score, decision, "gbt-test", "[]", 1.5, null);

    [Theory]
    [InlineData(Decision.Approved, false)]
    [InlineData(Decision.Review, true)]
    [InlineData(Decision.Declined, true)]
    public void CanBeReportedAs_ThisWasMe_OnlyForAStoppedPayment(Decision decision, bool expected)
    {
        var (_, transaction) = FraudWeb.Tests.Builders.Payments.Submitted(decision);

        Assert.Equal(expected, transaction.CanBeReportedAs(ReportKind.ThisWasMe));
        Assert.True(transaction.CanBeReportedAs(ReportKind.NotMe));
    }

    [Theory]
    [InlineData(FraudLabel.Legitimate, false)]
    [InlineData(FraudLabel.Fraud, true)]
    public void CanBeReportedAs_ThisWasMeAfterReview_OnlyWhenNotCharged(FraudLabel decision, bool expected)
    {
        var (_, transaction) = FraudWeb.Tests.Builders.Payments.Held();
        transaction.ApplyLabel(decision, "analyst@example.test", IssuerTime.InUtc(FraudWeb.Tests.Builders.Payments.Later));

        Assert.Equal(expected, transaction.CanBeReportedAs(ReportKind.ThisWasMe));
    }
}
