using FraudWeb.Infrastructure.Localization;

namespace FraudWeb.Tests.Web.Localization;

/// <summary>A visitor's day, as filters and charts count it: from their midnight, in UTC.</summary>
public sealed class LocalTimeTests
{
    [Theory]
    [InlineData("Asia/Shanghai", "2026-12-04", "2026-12-03T16:00:00")]
    [InlineData("America/New_York", "2026-12-04", "2026-12-04T05:00:00")]
    [InlineData("UTC", "2026-12-04", "2026-12-04T00:00:00")]
    // Cuba moves its clocks at midnight: 8 March 2026 begins at 01:00 daylight time.
    [InlineData("America/Havana", "2026-03-08", "2026-03-08T05:00:00")]
    public void StartOfDayUtc_Zone_TheVisitorsMidnightInUtc(string zone, string day, string expectedUtc)
    {
        // Act
        var start = LocalTime.In(TimeZoneInfo.FindSystemTimeZoneById(zone)).StartOfDayUtc(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));

        // Assert
        Assert.Equal(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(DateTimeKind.Utc, start.Kind);
    }

    [Fact]
    public void StartOfDayUtc_CalendarsEndsEastOfUtc_EndsRatherThanAnError()
    {
        var tokyo = LocalTime.In(TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        Assert.Equal(DateTime.MinValue, tokyo.StartOfDayUtc(DateOnly.MinValue));
        Assert.Equal(DateTime.MaxValue, tokyo.StartOfDayUtc(DateOnly.MaxValue));
    }
}
