using System.Globalization;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>The tests' clock: a Wednesday afternoon ahead of real time, moving with real time.</summary>
public sealed class FixedStartTimeProviderTests
{
    [Theory]
    [InlineData("2026-12-01T10:38:49+00:00")] // a Tuesday morning
    [InlineData("2026-12-01T14:00:00+00:00")] // Tuesday at the start hour: a day ahead is exactly the Wednesday
    [InlineData("2026-12-01T14:00:01+00:00")] // a second later: the Wednesday after
    [InlineData("2026-12-02T13:59:59+00:00")] // a Wednesday just before the hour
    [InlineData("2026-12-05T23:30:00-08:00")] // Saturday evening west of UTC (Sunday in UTC)
    [InlineData("2026-12-31T23:59:59+00:00")] // the year's last second
    public void StartAfter_AnyInstant_WednesdayAfternoonOneToEightDaysAhead(string realNow)
    {
        // Arrange
        var now = DateTimeOffset.Parse(realNow, CultureInfo.InvariantCulture);

        // Act
        var start = FixedStartTimeProvider.StartAfter(now);

        // Assert
        Assert.Equal(TimeSpan.Zero, start.Offset);
        Assert.Equal(DayOfWeek.Wednesday, start.DayOfWeek);
        Assert.Equal(new TimeSpan(14, 0, 0), start.TimeOfDay);
        Assert.InRange(start - now, TimeSpan.FromDays(1), TimeSpan.FromDays(8));
    }

    [Fact]
    public async Task GetUtcNow_AfterADelay_StartsAtItsStartAndMovesWithRealTime()
    {
        // Arrange
        var start = new DateTimeOffset(2026, 6, 10, 14, 0, 0, TimeSpan.Zero);
        var clock = new FixedStartTimeProvider(start);
        var first = clock.GetUtcNow();

        // Act
        await Task.Delay(50);
        var second = clock.GetUtcNow();

        // Assert
        Assert.InRange(first, start, start.AddMinutes(1));
        Assert.True(second - first >= TimeSpan.FromMilliseconds(40), $"{(second - first).TotalMilliseconds} ms passed on the clock.");
        Assert.Equal(DateTimeKind.Utc, clock.UtcNow.Kind);
        Assert.Same(TimeZoneInfo.Utc, clock.LocalTimeZone);
    }

    [Fact]
    public void Advance_AnHour_ClockAnHourLaterAndNeverBack()
    {
        // Arrange
        var clock = new FixedStartTimeProvider(new DateTimeOffset(2026, 6, 10, 14, 0, 0, TimeSpan.Zero));

        // Act
        clock.Advance(TimeSpan.FromHours(1));

        // Assert
        Assert.InRange(clock.GetUtcNow(), new DateTimeOffset(2026, 6, 10, 15, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 6, 10, 15, 1, 0, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
    }
}
