using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Domain.Cards;

public sealed class CardExpiryTests
{
    private static readonly DateOnly Today = new(2026, 6, 15);

    [Fact]
    public void Create_CurrentMonth_IsStillValid()
    {
        // Act
        var expiry = CardExpiry.Create(6, 2026, Today);

        // Assert
        Assert.False(expiry.IsExpired(Today));
        Assert.Equal("06/26", expiry.ToString());
    }

    [Fact]
    public void Create_TwoDigitYear_MeansThisCentury() => Assert.Equal(2029, CardExpiry.Create(3, 29, Today).Year);

    [Theory]
    [InlineData(5, 2026, "This card has expired.")]
    [InlineData(12, 2025, "This card has expired.")]
    [InlineData(0, 2027, "The expiry month must be between 1 and 12.")]
    [InlineData(13, 2027, "The expiry month must be between 1 and 12.")]
    [InlineData(1, 2042, "The expiry date cannot be more than 15 years ahead.")]
    public void Create_InvalidExpiry_ThrowsWithMessage(int month, int year, string expectedMessage)
    {
        // Act
        var exception = Assert.Throws<DomainException>(() => CardExpiry.Create(month, year, Today));

        // Assert
        Assert.Equal(expectedMessage, exception.Message);
    }

    [Fact]
    public void IsExpired_AfterTheMonthEnds_IsTrue()
    {
        // Arrange
        var expiry = CardExpiry.Create(6, 2026, Today);

        // Act
        var expired = expiry.IsExpired(new DateOnly(2026, 7, 1));

        // Assert
        Assert.True(expired);
    }

    [Theory]
    [InlineData("UTC", 2026, 6, 30)]
    [InlineData("Asia/Shanghai", 2026, 7, 1)] // UTC+8: already the 1st
    [InlineData("America/Los_Angeles", 2026, 6, 30)] // UTC-7 in summer: still the 30th
    public void At_LateEveningUtcOnTheMonthsLastDay_DateOnTheIssuersCalendar(string zone, int year, int month, int day)
    {
        // Arrange
        var instant = new DateTime(2026, 6, 30, 17, 0, 0, DateTimeKind.Utc);

        // Act
        var time = IssuerTime.At(instant, TimeZoneInfo.FindSystemTimeZoneById(zone));

        // Assert
        Assert.Equal(new DateOnly(year, month, day), time.Date);
        Assert.Equal(instant, time.Utc);
    }

    [Fact]
    public void IsExpired_LastDayInUtcFirstInShanghai_ExpiredForTheShanghaiIssuerOnly()
    {
        // Arrange (edge-case review: expiry was UTC's, so a Shanghai card paid for 8 hours into the next month)
        var expiry = CardExpiry.Create(6, 2026, Today);
        var instant = new DateTime(2026, 6, 30, 17, 0, 0, DateTimeKind.Utc);

        // Act
        var inShanghai = expiry.IsExpired(IssuerTime.At(instant, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Date);
        var inUtc = expiry.IsExpired(IssuerTime.InUtc(instant).Date);

        // Assert
        Assert.True(inShanghai);
        Assert.False(inUtc);
    }

    [Fact]
    public void Constructor_LocalKindInstant_Throws() =>
        Assert.Throws<ArgumentException>(() => new IssuerTime(new DateTime(2026, 6, 30, 17, 0, 0, DateTimeKind.Local), new DateOnly(2026, 6, 30)));
}
