using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Simulation;
using FraudWeb.Infrastructure.Options;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Cards;

/// <summary>
/// The card issuer's clock (Scoring:TimeZone): its date decides a card's expiry and a holder's age, as its hour decides
/// the model's night and weekend features (docs/decisions/0022).
/// </summary>
public sealed class IssuerClock(TimeProvider clock, IOptions<ScoringOptions> scoring)
{
    public IssuerTime Now() => At(clock.GetUtcNow().UtcDateTime);

    /// <summary>The instant <paramref name="utc"/> on the issuer's calendar (a payment's own time, say).</summary>
    public IssuerTime At(DateTime utc) => IssuerTime.At(utc, scoring.Value.Features().LocalTime);

    public DateOnly Today => Now().Date;

    /// <summary>
    /// A simulated history on the issuer's wall clock (the simulator's days and hours are its holders' own), as UTC
    /// instants in time order: people in Shanghai shop at noon Shanghai time. A time a clock change skips is moved on.
    /// </summary>
    public IReadOnlyList<SimulatedTransaction> OnIssuersClock(IReadOnlyList<SimulatedTransaction> simulated)
    {
        ArgumentNullException.ThrowIfNull(simulated);
        var zone = scoring.Value.Features().LocalTime;
        if (zone == TimeZoneInfo.Utc) return simulated;
        return simulated.Select(t => t with { Timestamp = ToUtc(t.Timestamp, zone) }).OrderBy(t => t.Timestamp).ToList();
    }

    /// <summary>A time on the issuer's wall clock as a UTC instant (a time a clock change skips is moved on).</summary>
    public DateTime ToUtc(DateTime wallClock)
    {
        var zone = scoring.Value.Features().LocalTime;
        return zone == TimeZoneInfo.Utc ? DateTime.SpecifyKind(wallClock, DateTimeKind.Utc) : ToUtc(wallClock, zone);
    }

    private static DateTime ToUtc(DateTime wallClock, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // A time the clock skips is the moment it skips to (03:00 when 02:00 jumps to 03:00): the skipped times keep
            // their order among themselves and before the times after the jump. Moved on by a fixed step, 02:50 landed
            // after 03:05 (review).
            local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute));
            while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        }
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
