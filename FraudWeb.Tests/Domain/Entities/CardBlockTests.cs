using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using static FraudWeb.Tests.Builders.Payments;

namespace FraudWeb.Tests.Domain.Entities;

/// <summary>
/// Staff block a card and lift the block (docs/decisions/0028): only a card that takes payments is blocked, only the
/// bank's block is lifted, the holder may still report it lost (for good) but not remove it.
/// </summary>
public sealed class CardBlockTests
{
    private static readonly DateTime BlockedAt = Now.AddHours(1);

    [Fact]
    public void Block_ActiveCard_BlockedWithReasonNoteAndDate()
    {
        // Arrange
        var card = CardTests.NewCard(1000m);

        // Act
        card.Block(CardBlockReason.SuspectedFraud, "  Three declines in a minute  ", BlockedAt);

        // Assert
        Assert.True(card.IsStopped);
        Assert.True(card.IsBlocked);
        Assert.Equal(CardStop.Blocked, card.StoppedAs);
        Assert.Equal(BlockedAt, card.StoppedUtc);
        Assert.Equal(CardBlockReason.SuspectedFraud, card.BlockReason);
        Assert.Equal("Three declines in a minute", card.BlockNote);
    }

    [Fact]
    public void Charge_BlockedCard_ThrowsBlockedCodeAndLeavesBalance()
    {
        // Arrange
        var card = Blocked();

        // Act
        var exception = Assert.Throws<DomainException>(() => card.Charge(10m));

        // Assert
        Assert.Equal(DomainErrorCode.Blocked, exception.Code);
        Assert.Equal(Card.BlockedMessage, exception.Message);
        Assert.Equal(0m, card.Balance);
        Assert.False(card.CanCharge(10m));
        Assert.Throws<DomainException>(() => CardTransaction.Submit(card, 7, 10m, BlockedAt.AddMinutes(1)));
        Assert.Throws<DomainException>(() => card.Renew(CardExpiry.Create(12, 2031, DateOnly.FromDateTime(Now)), "ADA LOVELACE"));
    }

    [Theory]
    [InlineData(CardStop.Removed)]
    [InlineData(CardStop.LostOrStolen)]
    [InlineData(CardStop.Blocked)]
    public void Block_StoppedCard_StateChangedAndStopKept(CardStop stop)
    {
        // Arrange
        var card = CardTests.NewCard(1000m);
        if (stop == CardStop.Removed) card.Remove(BlockedAt);
        else if (stop == CardStop.LostOrStolen) card.ReportLostOrStolen(BlockedAt);
        else card.Block(CardBlockReason.HolderRequest, null, BlockedAt);

        // Act
        var exception = Assert.Throws<DomainException>(() => card.Block(CardBlockReason.SuspectedFraud, null, BlockedAt.AddDays(1)));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, exception.Code);
        Assert.Equal(stop, card.StoppedAs);
        Assert.Equal(BlockedAt, card.StoppedUtc);
    }

    [Theory]
    [InlineData(CardBlockReason.Other, null, "Say in the note why the card is blocked.")]
    [InlineData(CardBlockReason.Other, "   ", "Say in the note why the card is blocked.")]
    [InlineData((CardBlockReason)99, null, "Choose why the card is blocked.")]
    [InlineData(CardBlockReason.SuspectedFraud, "card 4111 1111 1111 1111 used abroad", CardNumber.TypedWhereNotWanted)]
    public void Block_BadReasonOrNote_InvalidAndCardUnchanged(CardBlockReason reason, string? note, string message)
    {
        // Arrange
        var card = CardTests.NewCard(1000m);

        // Act
        var exception = Assert.Throws<DomainException>(() => card.Block(reason, note, BlockedAt));

        // Assert
        Assert.Equal(DomainErrorCode.Invalid, exception.Code);
        Assert.Equal(message, exception.Message);
        Assert.Null(card.StoppedAs);
        Assert.Null(card.BlockReason);
    }

    [Fact]
    public void Block_NoteOverTheLimit_InvalidAndCardUnchanged()
    {
        // Arrange
        var card = CardTests.NewCard(1000m);

        // Act
        var exception = Assert.Throws<DomainException>(() => card.Block(CardBlockReason.Other, new string('x', Card.BlockNoteMaxLength + 1), BlockedAt));

        // Assert
        Assert.Equal("The note has at most 200 characters.", exception.Message);
        Assert.False(card.IsStopped);
        card.Block(CardBlockReason.Other, new string('x', Card.BlockNoteMaxLength), BlockedAt);
        Assert.True(card.IsBlocked);
    }

    [Fact]
    public void Unblock_BlockedCard_TakesPaymentsAgainAndBlockForgotten()
    {
        // Arrange
        var card = Blocked();

        // Act
        card.Unblock();

        // Assert
        Assert.False(card.IsStopped);
        Assert.Null(card.StoppedUtc);
        Assert.Null(card.BlockReason);
        Assert.Null(card.BlockNote);
        card.Charge(10m);
        Assert.Equal(10m, card.Balance);
    }

    [Theory]
    [InlineData(CardStop.Removed)]
    [InlineData(CardStop.LostOrStolen)]
    public void Unblock_HoldersOwnStop_StateChangedAndStopKept(CardStop stop)
    {
        // Arrange
        var card = CardTests.NewCard(1000m);
        if (stop == CardStop.Removed) card.Remove(BlockedAt);
        else card.ReportLostOrStolen(BlockedAt);

        // Act
        var exception = Assert.Throws<DomainException>(card.Unblock);

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, exception.Code);
        Assert.Equal(stop, card.StoppedAs);
    }

    [Fact]
    public void Unblock_CardNotBlocked_StateChanged()
    {
        // Arrange
        var card = CardTests.NewCard(1000m);

        // Act
        var exception = Assert.Throws<DomainException>(card.Unblock);

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, exception.Code);
        Assert.False(card.IsStopped);
    }

    [Fact]
    public void ReportLostOrStolen_BlockedCard_LostForGoodAndBlockForgotten()
    {
        // Arrange
        var card = Blocked();

        // Act
        card.ReportLostOrStolen(BlockedAt.AddDays(1));

        // Assert
        Assert.Equal(CardStop.LostOrStolen, card.StoppedAs);
        Assert.Equal(BlockedAt.AddDays(1), card.StoppedUtc);
        Assert.Null(card.BlockReason);
        Assert.Null(card.BlockNote);
        Assert.Throws<DomainException>(card.Unblock);
    }

    [Fact]
    public void Remove_BlockedCard_RefusedAndStaysBlocked()
    {
        // Arrange
        var card = Blocked();

        // Act
        var exception = Assert.Throws<DomainException>(() => card.Remove(BlockedAt.AddDays(1)));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, exception.Code);
        Assert.Equal(Card.BlockedRemoveMessage, exception.Message);
        Assert.True(card.IsBlocked);
    }

    [Fact]
    public void ApplyLabel_LegitimateWhileCardBlocked_DeclinedCardBlockedNotCharged()
    {
        // Arrange
        var (card, transaction) = Held(100m);
        card.Block(CardBlockReason.SuspectedFraud, null, BlockedAt);

        // Act
        transaction.ApplyLabel(FraudLabel.Legitimate, Analyst, IssuerTime.InUtc(Later));

        // Assert
        Assert.Equal(0m, card.Balance);
        Assert.Equal(ReviewSettlement.Declined, transaction.Settlement);
        Assert.Equal(DeclineReasons.CardBlocked, transaction.SettlementReason);
    }

    private static Card Blocked()
    {
        var card = CardTests.NewCard(1000m);
        card.Block(CardBlockReason.HolderRequest, "Called from abroad", BlockedAt);
        return card;
    }
}
