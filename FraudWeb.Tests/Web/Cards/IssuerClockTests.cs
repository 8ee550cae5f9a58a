using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Cards;
using Microsoft.Extensions.Options;

namespace FraudWeb.Tests.Web.Cards;

public sealed class IssuerClockTests
{
    private static IssuerClock NewYork() => new(TimeProvider.System, Options.Create(new ScoringOptions { TimeZone = "America/New_York" }));

    [Fact]
    public void ToUtc_TimesTheSpringChangeSkips_TheMomentItSkipsToInWallClockOrder()
    {
        // Arrange (review: moved on in 30-minute steps, 02:50 landed after 03:05): 2026-03-08, 02:00 jumps to 03:00 (07:00Z)
        var clock = NewYork();

        // Act
        string[] wallClock = ["02:10", "02:50", "03:05"];
        var times = wallClock.Select(t => clock.ToUtc(DateTime.Parse($"2026-03-08 {t}", System.Globalization.CultureInfo.InvariantCulture))).ToList();

        // Assert
        Assert.Equal([new DateTime(2026, 3, 8, 7, 0, 0, DateTimeKind.Utc), new DateTime(2026, 3, 8, 7, 0, 0, DateTimeKind.Utc), new DateTime(2026, 3, 8, 7, 5, 0, DateTimeKind.Utc)], times);
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public void ToUtc_OrdinaryTime_ItsOffsetApplied() =>
        Assert.Equal(new DateTime(2026, 3, 8, 6, 30, 0, DateTimeKind.Utc), NewYork().ToUtc(new DateTime(2026, 3, 8, 1, 30, 0)));
}
