using System.Diagnostics;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// The app's clock in tests: it starts at <see cref="RunStart"/>, the same weekday and time of day on every run, and
/// then moves with real elapsed time, so waits, expiries, leases and the order of events behave as in production.
/// <para>
/// Why a fixed weekday and hour: payment features flag nights (hour 0-6 UTC) and weekends, and the seeded history is
/// anchored to the app's "now", so on the wall clock the same test scored differently on a Saturday, at 03:00, or
/// across midnight UTC ("yesterday" moving under a test). <see cref="RunStart"/> is a Wednesday 14:00 UTC: a
/// weekday, mid-afternoon, ten hours from midnight either way, longer than any run of the suite.
/// </para>
/// <para>
/// Why the next such Wednesday at least a day ahead, not a fixed date or the last one: the app issues persistent
/// cookies (the 8-hour sliding sign-in cookie, the two-step "remember this browser" cookie) whose Expires comes from
/// this clock, and both Chromium and HttpClient's CookieContainer compare Expires with the real clock and drop a cookie
/// that arrives already expired. A start in the past by more than eight hours would sign people out on arrival; a start
/// ahead of real time never does. At least a day ahead (so one to eight days), because every factory of the run starts
/// from the same instant and the last ones start long after the first. The year and month still change between runs;
/// nothing in the app depends on them beyond "older than" and "within N days".
/// </para>
/// <para>
/// What still reads the real clock (mind it when a test stores times): ASP.NET Core Identity's lockout and
/// authenticator codes (UserManager uses DateTimeOffset.UtcNow), Data Protection, Kestrel and the certificates. Data a
/// test writes directly that the app compares with its own now (created, expiry, heartbeat, label times) must come from
/// the factory's <c>Clock</c>, not from DateTime.UtcNow.
/// </para>
/// </summary>
public sealed class FixedStartTimeProvider : TimeProvider
{
    /// <summary>Computed once per test run from the real clock; see the class remarks.</summary>
    public static DateTimeOffset RunStart { get; } = StartAfter(DateTimeOffset.UtcNow);

    private readonly long _startedAt;
    private long _advancedTicks;

    public FixedStartTimeProvider()
        : this(RunStart)
    {
    }

    public FixedStartTimeProvider(DateTimeOffset start)
    {
        Start = start.ToUniversalTime();
        _startedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>The instant this clock read when it was created.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The app's "now" as the UTC <see cref="DateTime"/> its entities store.</summary>
    public DateTime UtcNow => GetUtcNow().UtcDateTime;

    /// <summary>Reported as UTC, so "local" times in the app do not depend on the machine either.</summary>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow() =>
        Start + Stopwatch.GetElapsedTime(_startedAt) + TimeSpan.FromTicks(Interlocked.Read(ref _advancedTicks));

    /// <summary>How far <see cref="Advance"/> has moved the clock in all.</summary>
    public TimeSpan Advanced => TimeSpan.FromTicks(Interlocked.Read(ref _advancedTicks));

    /// <summary>
    /// Moves the clock forward (never back: leases, expiries and ordering assume time does not run backwards). Timers
    /// already created keep their real due times. Only for a factory of the test's own: every test sharing it jumps too.
    /// </summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _advancedTicks, by.Ticks);
    }

    /// <summary>The first Wednesday 14:00:00 UTC at least one day after <paramref name="realNow"/>.</summary>
    public static DateTimeOffset StartAfter(DateTimeOffset realNow)
    {
        var earliest = realNow.ToUniversalTime().AddDays(1);
        var candidate = new DateTimeOffset(earliest.Year, earliest.Month, earliest.Day, 14, 0, 0, TimeSpan.Zero);
        while (candidate.DayOfWeek != DayOfWeek.Wednesday || candidate < earliest) candidate = candidate.AddDays(1);
        return candidate;
    }
}
