using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Builders;

namespace FraudWeb.Tests.Domain.Entities;

public sealed class CardTests
{
    private static readonly DateTime Now = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Add_ValidCard_KeepsOnlyBrandLast4AndFingerprint()
    {
        // Act
        var card = NewCard(1000m);

        // Assert
        Assert.Equal(CardBrand.Visa, card.Brand);
        Assert.Equal("1111", card.Last4);
        Assert.Equal(new string('a', 64), card.Fingerprint);
        Assert.Equal(1000m, card.AvailableCredit);
        Assert.Equal("Visa •••• 1111", card.Masked);
    }

    [Theory]
    [InlineData(99.99)]
    [InlineData(50_000.01)]
    [InlineData(1000.001)]
    public void Add_CreditLimitOutOfRange_Throws(decimal limit) =>
        Assert.Throws<DomainException>(() => NewCard(limit));

    [Fact]
    public void Charge_WithinAvailableCredit_IncreasesBalance()
    {
        // Arrange
        var card = NewCard(1000m);

        // Act
        card.Charge(400m);
        card.Charge(600m);

        // Assert
        Assert.Equal(1000m, card.Balance);
        Assert.Equal(0m, card.AvailableCredit);
    }

    [Fact]
    public void Charge_OverAvailableCredit_ThrowsAndLeavesBalance()
    {
        // Arrange
        var card = NewCard(1000m);
        card.Charge(900m);

        // Act
        var exception = Assert.Throws<DomainException>(() => card.Charge(100.01m));

        // Assert
        Assert.Equal("The amount is over the card's available credit.", exception.Message);
        Assert.Equal(900m, card.Balance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Charge_NonPositiveAmount_Throws(decimal amount) =>
        Assert.Throws<DomainException>(() => NewCard(1000m).Charge(amount));

    [Fact]
    public void Repay_MoreThanBalance_Throws()
    {
        // Arrange
        var card = NewCard(1000m);
        card.Charge(100m);

        // Act + Assert
        Assert.Throws<DomainException>(() => card.Repay(100.01m));
        card.Repay(100m);
        Assert.Equal(0m, card.Balance);
    }

    [Fact]
    public void ChangeCreditLimit_BelowBalance_Throws()
    {
        // Arrange
        var card = NewCard(1000m);
        card.Charge(800m);

        // Act
        var exception = Assert.Throws<DomainException>(() => card.ChangeCreditLimit(500m));

        // Assert
        Assert.Equal("The credit limit cannot be below the current balance.", exception.Message);
        Assert.Equal(1000m, card.CreditLimit);
    }

    [Fact]
    public void Add_ExpiredCard_Throws()
    {
        // Arrange
        var expiry = CardExpiry.Create(6, 2026, DateOnly.FromDateTime(Now));

        // Act + Assert
        Assert.Throws<DomainException>(() => Card.Add(1, CardNumber.Parse(TestCards.Visa), new string('a', 64), expiry, "A", 1000m, IssuerTime.InUtc(Now.AddMonths(1))));
    }

    [Theory]
    [InlineData("\u200B\u200B")]
    [InlineData(" \u2060\uFEFF ")]
    public void Add_NameOfInvisibleCharactersOnly_RefusedAsNoName(string name)
    {
        // Act
        var exception = Assert.Throws<DomainException>(() => Card.Add(1, CardNumber.Parse(TestCards.Visa), new string('a', 64),
            CardExpiry.Create(12, 2028, DateOnly.FromDateTime(Now)), name, 1000m, IssuerTime.InUtc(Now)));

        // Assert
        Assert.Equal("Enter the name shown on the card.", exception.Message);
    }

    [Fact]
    public void Renew_NameOfInvisibleCharactersOnly_RefusedAndCardUnchanged()
    {
        // Arrange
        var card = NewCard(1000m);

        // Act
        var exception = Assert.Throws<DomainException>(() => card.Renew(CardExpiry.Create(12, 2030, DateOnly.FromDateTime(Now)), "\u200B\u200B"));

        // Assert
        Assert.Equal("Enter the name shown on the card.", exception.Message);
        Assert.Equal(("ADA LOVELACE", 2028), (card.CardholderName, card.ExpiryYear));
    }

    internal static Card NewCard(decimal limit) =>
        Card.Add(1, CardNumber.Parse(TestCards.Visa), new string('a', 64), CardExpiry.Create(12, 2028, DateOnly.FromDateTime(Now)), "ADA LOVELACE", limit, IssuerTime.InUtc(Now));
}
