using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Domain.Entities;

public sealed class CardHolderTests
{
    private static readonly DateTime Now = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Address Home = new("1 High Street", null, "Leeds", "ls1 1aa", "United Kingdom");

    [Fact]
    public void Register_Adult_KeepsTrimmedDetails()
    {
        // Act
        var holder = CardHolder.Register("user-1", "  Grace Hopper ", "+1 555 0100", new DateOnly(1990, 1, 1), Home, Now);

        // Assert
        Assert.Equal("Grace Hopper", holder.FullName);
        Assert.Equal("LS1 1AA", holder.Address!.Postcode);
        Assert.False(holder.IsSimulated);
    }

    [Theory]
    [InlineData(2008, 6, 16, "You must be at least 18 years old.")]
    [InlineData(1900, 1, 1, "Please check your date of birth.")]
    public void Register_AgeOutOfRange_Throws(int year, int month, int day, string expectedMessage)
    {
        // Act
        var exception = Assert.Throws<DomainException>(() =>
            CardHolder.Register("user-1", "Grace Hopper", "+1 555 0100", new DateOnly(year, month, day), Home, Now));

        // Assert
        Assert.Equal(expectedMessage, exception.Message);
    }

    [Fact]
    public void Register_EighteenToday_IsAllowed() =>
        Assert.NotNull(CardHolder.Register("user-1", "Grace Hopper", "+1 555 0100", new DateOnly(2008, 6, 15), Home, Now));

    [Fact]
    public void Address_MissingCity_Throws() =>
        Assert.Equal("Enter your town or city.", Assert.Throws<DomainException>(() => new Address("1 High Street", null, " ", "LS1", "UK")).Message);

    [Fact]
    public void UpdateDetails_SimulatedHolder_Throws() =>
        Assert.Throws<DomainException>(() => CardHolder.Simulated("Simulated", Now).UpdateDetails("A", "1", new DateOnly(1990, 1, 1), Home, Now));
}
