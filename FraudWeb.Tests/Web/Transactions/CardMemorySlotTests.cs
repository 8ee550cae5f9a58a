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

        memory.Committed([NewCard()]);
        memory.Remember(mark, "holder", read, Shop);

        Assert.Null(memory.OwnedCard(read.Id, "holder"));
    }

    [Fact]
    public void Committed_KeptCard_ReplacedByTheCommittedOne()
    {
        var memory = new CardMemory();
        var card = NewCard();
        memory.Remember(memory.Mark(card.Id), "holder", card, Shop);
        var committed = NewCard();
        committed.Charge(25m);

        memory.Committed([committed]);

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
}
