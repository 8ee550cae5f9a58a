using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;
using FraudWeb.Services.Transactions;

namespace FraudWeb.Tests.Web.Transactions;

/// <summary>What a read may keep in <see cref="CardMemory"/> when the payment writer or another change commits during it.</summary>
public sealed class CardMemorySlotTests
{
    private static readonly DateTime Added = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly PaymentMerchant Shop = new(3, "Corner shop", "Groceries");

    private static Card NewCard() => Card.Simulated(1, "fingerprint", "4242", 1000m, Added);

    [Fact]
    public void Remember_NothingChangedDuringTheRead_KeptForItsHolderOnly()
    {
        var memory = new CardMemory();
        var card = NewCard();
        var mark = memory.Mark(card.Id);

        memory.Remember(mark, "holder", card, Shop);

        Assert.Same(card, memory.OwnedCard(card.Id, "holder"));
        Assert.Null(memory.OwnedCard(card.Id, "someone-else"));
        Assert.Equal(Shop, memory.Merchant(Shop.Id));
    }

    [Fact]
    public void Remember_WriterCommittedDuringTheRead_NotKept()
    {
        var memory = new CardMemory();
        var read = NewCard();
        var mark = memory.Mark(read.Id);

        memory.Committed([NewCard()], memory.BeforeWrite([read.Id]));
        memory.Remember(mark, "holder", read, Shop);

        Assert.Null(memory.OwnedCard(read.Id, "holder"));
    }

    [Fact]
    public void Committed_KeptCard_ReplacedByTheCommittedOne()
    {
        var memory = new CardMemory();
        var card = NewCard();
        memory.Remember(memory.Mark(card.Id), "holder", card, Shop);
        var writerMark = memory.BeforeWrite([card.Id]);
        var committed = NewCard();
        committed.Charge(25m);

        memory.Committed([committed], writerMark);

        Assert.Same(committed, memory.OwnedCard(card.Id, "holder"));
    }

    [Fact]
    public void ForgetCards_DuringARead_NeitherKeptNorKeptAfterwards()
    {
        var memory = new CardMemory();
        var card = NewCard();
        memory.Remember(memory.Mark(card.Id), "holder", card, Shop);
        var mark = memory.Mark(card.Id);

        memory.ForgetCards([card.Id]);
        memory.Remember(mark, "holder", card, Shop);

        Assert.Null(memory.OwnedCard(card.Id, "holder"));
    }

    [Fact]
    public void ForgetMerchants_DuringARead_MerchantNotKept()
    {
        var memory = new CardMemory();
        var card = NewCard();
        var mark = memory.Mark(card.Id);

        memory.ForgetMerchants();
        memory.Remember(mark, "holder", card, Shop);

        Assert.Null(memory.Merchant(Shop.Id));
        Assert.Same(card, memory.OwnedCard(card.Id, "holder"));
    }

    [Fact]
    public void Committed_CardChangedElsewhereAndReadAgainSinceTheWritersRead_WritersCardNotKept()
    {
        // Arrange: the writer reads the card; after its commit, before it updates the memory, an analyst's change of
        // the card commits (forgotten) and a payment reads the card again, as changed, and keeps it.
        var memory = new CardMemory();
        var card = NewCard();
        memory.Remember(memory.Mark(card.Id), "holder", card, Shop);
        var writerMark = memory.BeforeWrite([card.Id]);
        var committed = NewCard();
        committed.Charge(25m);
        memory.ForgetCards([card.Id]);
        var changed = NewCard();
        changed.Charge(25m);
        changed.Block(CardBlockReason.SuspectedFraud, null, Added);
        memory.Remember(memory.Mark(card.Id), "holder", changed, Shop);

        // Act
        memory.Committed([committed], writerMark);

        // Assert: not the writer's older card; nothing kept, so the next payment reads the card from the database
        Assert.Null(memory.OwnedCard(card.Id, "holder"));
    }

    [Fact]
    public void Committed_AnotherCardChangedSinceTheWritersRead_WritersCardKept()
    {
        // Arrange
        var memory = new CardMemory();
        var card = NewCard();
        memory.Remember(memory.Mark(card.Id), "holder", card, Shop);
        var writerMark = memory.BeforeWrite([card.Id]);
        memory.ForgetCards([card.Id + 1]);
        var committed = NewCard();
        committed.Charge(25m);

        // Act
        memory.Committed([committed], writerMark);

        // Assert
        Assert.Same(committed, memory.OwnedCard(card.Id, "holder"));
    }

    [Fact]
    public void Committed_AllForgottenWhileTheCardWasNotKeptThenReadAgain_WritersCardNotKept()
    {
        // Arrange (diff review): no slot for the card when everything is forgotten; a payment then reads it, as changed
        var memory = new CardMemory();
        var card = NewCard();
        var writerMark = memory.BeforeWrite([card.Id]);
        memory.ForgetAllCards();
        var changed = NewCard();
        changed.Block(CardBlockReason.SuspectedFraud, null, Added);
        memory.Remember(memory.Mark(card.Id), "holder", changed, Shop);

        // Act
        memory.Committed([card], writerMark);

        // Assert
        Assert.Null(memory.OwnedCard(card.Id, "holder"));
    }
}
