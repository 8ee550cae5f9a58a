using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using static FraudWeb.Tests.Builders.Payments;

namespace FraudWeb.Tests.Domain.Entities;

/// <summary>A card its holder removed or reported lost or stolen: no new payment, no renewal; its balance and refunds stay.</summary>
public sealed class CardStopTests
{
    private static readonly DateTime StoppedAt = Now.AddHours(1);

    [Fact]
    public void Remove_ActiveCard_StoppedWithTheDateAndBalanceKept()
    {
        // Arrange
        var card = CardTests.NewCard(1000m);
        card.Charge(300m);

        // Act
        card.Remove(StoppedAt);

        // Assert
        Assert.True(card.IsStopped);
        Assert.Equal(CardStop.Removed, card.StoppedAs);
        Assert.Equal(StoppedAt, card.StoppedUtc);
        Assert.Equal(300m, card.Balance);
    }

    [Theory]
    [InlineData(CardStop.Removed, Card.RemovedMessage)]
    [InlineData(CardStop.LostOrStolen, Card.LostOrStolenMessage)]
    public void Charge_StoppedCard_ThrowsAndLeavesBalance(CardStop stop, string message)
    {
        // Arrange
        var card = Stopped(stop);

        // Act
        var exception = Assert.Throws<DomainException>(() => card.Charge(10m));

        // Assert
        Assert.Equal(message, exception.Message);
        Assert.Equal(0m, card.Balance);
        Assert.False(card.CanCharge(10m));
    }

    [Theory]
    [InlineData(CardStop.Removed)]
    [InlineData(CardStop.LostOrStolen)]
    public void Submit_StoppedCard_RefusedBeforeAnythingIsRecorded(CardStop stop)
    {
        // Arrange
        var card = Stopped(stop);

        // Act + Assert
        Assert.Throws<DomainException>(() => CardTransaction.Submit(card, 7, 10m, StoppedAt.AddMinutes(1)));
    }

    [Theory]
    [InlineData(CardStop.Removed)]
    [InlineData(CardStop.LostOrStolen)]
    public void Renew_StoppedCard_ThrowsAndLeavesExpiry(CardStop stop)
    {
        // Arrange
        var card = Stopped(stop);

        // Act
        Assert.Throws<DomainException>(() => card.Renew(CardExpiry.Create(12, 2031, DateOnly.FromDateTime(Now)), "ADA LOVELACE"));

        // Assert
        Assert.Equal("12/28", card.ExpiryText);
    }

    [Fact]
    public void Remove_AlreadyRemoved_StateChangedAndFirstDateKept()
    {
        // Arrange
        var card = Stopped(CardStop.Removed);

        // Act
        var exception = Assert.Throws<DomainException>(() => card.Remove(StoppedAt.AddDays(1)));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, exception.Code);
        Assert.Equal(StoppedAt, card.StoppedUtc);
    }

    [Fact]
    public void ReportLostOrStolen_RemovedCard_StaysRemoved()
    {
        // Arrange
        var card = Stopped(CardStop.Removed);

        // Act
        var exception = Assert.Throws<DomainException>(() => card.ReportLostOrStolen(StoppedAt.AddDays(1)));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, exception.Code);
        Assert.Equal(CardStop.Removed, card.StoppedAs);
    }

    [Fact]
    public void Refund_ChargedFraudOnALostCard_CreditedBack()
    {
        // Arrange: charged before the card was reported.
        var (card, transaction) = Submitted(Decision.Approved, 200m);
        card.ReportLostOrStolen(StoppedAt);

        // Act
        transaction.ApplyLabel(FraudLabel.Fraud, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(0m, card.Balance);
        Assert.NotNull(transaction.RefundedUtc);
    }

    [Theory]
    [InlineData(CardStop.Removed, DeclineReasons.CardRemoved)]
    [InlineData(CardStop.LostOrStolen, DeclineReasons.CardLostOrStolen)]
    public void ApplyLabel_LegitimateAfterCardStopped_DeclinedWithReasonNotCharged(CardStop stop, string reason)
    {
        // Arrange
        var (card, transaction) = Held(100m);
        if (stop == CardStop.LostOrStolen) card.ReportLostOrStolen(StoppedAt);
        else card.Remove(StoppedAt);

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(0m, card.Balance);
        Assert.Equal(ReviewSettlement.Declined, transaction.Settlement);
        Assert.Equal(reason, transaction.SettlementReason);
    }

    private static Card Stopped(CardStop stop)
    {
        var card = CardTests.NewCard(1000m);
        if (stop == CardStop.LostOrStolen) card.ReportLostOrStolen(StoppedAt);
        else card.Remove(StoppedAt);
        return card;
    }
}
