using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Domain.Cards;

public sealed class CardExpiryTests
{
    private static readonly DateTime Now = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Create_CurrentMonth_IsStillValid()
    {
        // Act
        var expiry = CardExpiry.Create(6, 2026, Now);

        // Assert
        Assert.False(expiry.IsExpired(Now));
        Assert.Equal("06/26", expiry.ToString());
    }

    [Fact]
    public void Create_TwoDigitYear_MeansThisCentury() => Assert.Equal(2029, CardExpiry.Create(3, 29, Now).Year);

    [Theory]
    [InlineData(5, 2026, "This card has expired.")]
    [InlineData(12, 2025, "This card has expired.")]
    [InlineData(0, 2027, "The expiry month must be between 1 and 12.")]
    [InlineData(13, 2027, "The expiry month must be between 1 and 12.")]
    [InlineData(1, 2042, "The expiry date cannot be more than 15 years ahead.")]
    public void Create_InvalidExpiry_ThrowsWithMessage(int month, int year, string expectedMessage)
    {
        // Act
        var exception = Assert.Throws<DomainException>(() => CardExpiry.Create(month, year, Now));

        // Assert
        Assert.Equal(expectedMessage, exception.Message);
    }

    [Fact]
    public void IsExpired_AfterTheMonthEnds_IsTrue()
    {
        // Arrange
        var expiry = CardExpiry.Create(6, 2026, Now);

        // Act
        var expired = expiry.IsExpired(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc));

        // Assert
        Assert.True(expired);
    }
}
