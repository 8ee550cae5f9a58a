using System.Globalization;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// Shows stored UTC times in the visitor's time zone: the browser reports its IANA zone in a cookie
/// (wwwroot/js/timezone.js); without one, or with one this machine does not know, times stay in UTC and say so.
/// Formats follow the page's culture.
/// </summary>
public sealed class LocalTime
{
    public const string CookieName = "FraudWeb.TimeZone";

    public LocalTime(IHttpContextAccessor accessor)
    {
        ArgumentNullException.ThrowIfNull(accessor);
        Zone = Find(accessor.HttpContext?.Request.Cookies[CookieName]);
    }

    private LocalTime(TimeZoneInfo zone) => Zone = zone;

    /// <summary>A clock for one zone (tests, mails).</summary>
    public static LocalTime In(TimeZoneInfo zone) => new(zone ?? throw new ArgumentNullException(nameof(zone)));

    public TimeZoneInfo Zone { get; }

    /// <summary>The zone's name as people read it ("UTC", "Asia/Shanghai").</summary>
    public string ZoneName => Zone == TimeZoneInfo.Utc ? "UTC" : Zone.Id;

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>Date and time to the minute, by culture ("1 Dec 2026 13:05", "2026/12/1 13:05").</summary>
    public string Format(DateTime utc) => ToLocal(utc).ToString(Pattern("g"), CultureInfo.CurrentCulture);

    /// <summary>Date and time to the second (audit, runs).</summary>
    public string FormatSeconds(DateTime utc) => ToLocal(utc).ToString(Pattern("G"), CultureInfo.CurrentCulture);

    /// <summary>The local date only.</summary>
    public string FormatDate(DateTime utc) => ToLocal(utc).ToString(Pattern("d"), CultureInfo.CurrentCulture);

    /// <summary>A calendar date (a date of birth) as the pages write dates.</summary>
    public static string FormatDay(DateOnly day) => day.ToString(Pattern("d"), CultureInfo.CurrentCulture);

    /// <summary>
    /// The pattern for a standard format in the current culture. English writes the day, the month's name and a
    /// 24-hour clock: the neutral "en" culture's 12/4/2026 reads as 12 April to most of a euro app's readers (UI review).
    /// Chinese keeps its own (2026/12/4, read the same everywhere it is written).
    /// </summary>
    public static string Pattern(string standard) => CultureInfo.CurrentCulture.TwoLetterISOLanguageName != "en" ? standard : standard switch
    {
        "g" => "d MMM yyyy HH:mm",
        "G" => "d MMM yyyy HH:mm:ss",
        "d" => "d MMM yyyy",
        _ => standard,
    };

    /// <summary>
    /// When <paramref name="day"/> begins on the visitor's clock, in UTC: filters and charts by day use the visitor's
    /// days, as the rows show their times. A day that begins in a clock change's gap begins when the clock resumes;
    /// days at the calendar's ends give its ends rather than fail.
    /// </summary>
    public DateTime StartOfDayUtc(DateOnly day)
    {
        if (day <= DateOnly.MinValue.AddDays(1)) return DateTime.MinValue;
        if (day >= DateOnly.MaxValue.AddDays(-1)) return DateTime.MaxValue;
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
    }

    /// <summary>The zone from a cookie value, or UTC when it is missing, too long or unknown here.</summary>
    public static TimeZoneInfo Find(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
