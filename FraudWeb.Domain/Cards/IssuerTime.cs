namespace FraudWeb.Domain.Cards;

/// <summary>
/// An instant (UTC, as stored) and the card issuer's calendar date at it. A card is valid through the last day of its
/// expiry month and a holder comes of age on a birthday, both on the issuer's calendar (Scoring:TimeZone,
/// docs/decisions/0022): on UTC's, a card in Shanghai would stop working at 08:00 on the 1st.
/// </summary>
public readonly record struct IssuerTime
{
    public IssuerTime(DateTime utc, DateOnly date)
    {
        if (utc.Kind == DateTimeKind.Local) throw new ArgumentException("An instant is given in UTC.", nameof(utc));
        Utc = utc;
        Date = date;
    }

    public DateTime Utc { get; }

    /// <summary>The issuer's date at <see cref="Utc"/>.</summary>
    public DateOnly Date { get; }

    /// <summary>The instant on the calendar of <paramref name="issuerZone"/>.</summary>
    public static IssuerTime At(DateTime utc, TimeZoneInfo issuerZone)
    {
        ArgumentNullException.ThrowIfNull(issuerZone);
        var local = issuerZone == TimeZoneInfo.Utc ? utc : TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), issuerZone);
        return new IssuerTime(utc, DateOnly.FromDateTime(local));
    }

    /// <summary>For an issuer on UTC (the default) and for the simulator, whose history has no zone.</summary>
    public static IssuerTime InUtc(DateTime utc) => At(utc, TimeZoneInfo.Utc);
}
