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

    [Fact]
    public void WhyNotThisWasMe_DeclinedForCredit_DeclinedForCreditAndOnlyNotMe()
    {
        // Arrange: the model approved it, the card's credit declined it (QA: disputed, "confirmed", nothing changed)
        var (_, transaction) = FraudWeb.Tests.Builders.Payments.Submitted(Decision.Approved, amount: 900m, limit: 1000m, alreadyCharged: 500m);
        Assert.Equal(DeclineReasons.InsufficientCredit, transaction.Verdict!.DeclineReason);

        // Act + Assert
        Assert.Equal(ThisWasMeRefusal.DeclinedForCredit, transaction.WhyNotThisWasMe());
        Assert.False(transaction.CanBeReportedAs(ReportKind.ThisWasMe));
        Assert.True(transaction.CanBeReportedAs(ReportKind.NotMe));
    }

    [Fact]
    public void WhyNotThisWasMe_DeclinedForCreditThenConfirmedFraud_Disputable()
    {
        // Arrange (review: "not me" is refused on confirmed fraud, so refusing "this was me" too left nothing to say)
        var (_, transaction) = FraudWeb.Tests.Builders.Payments.Submitted(Decision.Approved, amount: 900m, limit: 1000m, alreadyCharged: 500m);
        transaction.ApplyLabel(FraudLabel.Fraud, FraudWeb.Tests.Builders.Payments.Analyst, IssuerTime.InUtc(FraudWeb.Tests.Builders.Payments.Later));

        // Act + Assert
        Assert.Null(transaction.WhyNotThisWasMe());
    }

    [Theory]
    [InlineData(Decision.Approved, ThisWasMeRefusal.WentThrough)]
    [InlineData(Decision.Review, null)]
    [InlineData(Decision.Declined, null)]
    public void WhyNotThisWasMe_AsScored_OnlyAPaymentThatWentThroughRefused(Decision decision, ThisWasMeRefusal? expected)
    {
        var (_, transaction) = FraudWeb.Tests.Builders.Payments.Submitted(decision);

        Assert.Equal(expected, transaction.WhyNotThisWasMe());
    }

    [Theory]
    [InlineData(Decision.Declined, FraudLabel.Legitimate, ThisWasMeRefusal.AlreadyFoundTheirs)]
    [InlineData(Decision.Declined, FraudLabel.Fraud, null)]
    [InlineData(Decision.Review, FraudLabel.Fraud, null)]
    [InlineData(Decision.Review, FraudLabel.Legitimate, ThisWasMeRefusal.WentThrough)]
    public void WhyNotThisWasMe_AfterAnAnalystsLabel_RefusedOnceFoundTheirs(Decision decision, FraudLabel label, ThisWasMeRefusal? expected)
    {
        // Arrange: declined or held by the check, then labelled (a held payment found legitimate is charged)
        var (_, transaction) = FraudWeb.Tests.Builders.Payments.Submitted(decision);
        transaction.ApplyLabel(label, FraudWeb.Tests.Builders.Payments.Analyst, IssuerTime.InUtc(FraudWeb.Tests.Builders.Payments.Later));

        // Act + Assert
        Assert.Equal(expected, transaction.WhyNotThisWasMe());
    }

    [Fact]
    public void WhyNotThisWasMe_HeldFoundTheirsButOverCreditBySettlement_AlreadyFoundTheirs()
    {
        // Arrange: held, the credit used meanwhile, then cleared: declined for credit at settlement, yet known to be theirs
        var (card, transaction) = FraudWeb.Tests.Builders.Payments.Held(800m);
        card.Charge(500m);
        transaction.ApplyLabel(FraudLabel.Legitimate, FraudWeb.Tests.Builders.Payments.Analyst, IssuerTime.InUtc(FraudWeb.Tests.Builders.Payments.Later));
        Assert.Equal(DeclineReasons.InsufficientCredit, transaction.SettlementReason);

        // Act + Assert
        Assert.Equal(ThisWasMeRefusal.AlreadyFoundTheirs, transaction.WhyNotThisWasMe());
    }
}
