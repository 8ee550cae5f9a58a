using FraudWeb.Domain.Entities;

namespace FraudWeb.Domain.Cards;

/// <summary>A card's expiry month; a card is valid through the last day of that month.</summary>
public readonly record struct CardExpiry
{
    /// <summary>Issuers print at most about ten years ahead; more is a typing mistake.</summary>
    public const int MaxYearsAhead = 15;

    private CardExpiry(int year, int month)
    {
        Year = year;
        Month = month;
    }

    public int Year { get; }
    public int Month { get; }

    /// <param name="today">The issuer's date (<see cref="IssuerTime.Date"/>).</param>
    public static CardExpiry Create(int month, int year, DateOnly today)
    {
        if (month is < 1 or > 12) throw new DomainException("The expiry month must be between 1 and 12.");
        if (year is >= 0 and < 100) year += 2000;
        var expiry = new CardExpiry(year, month);
        if (expiry.IsExpired(today)) throw new DomainException("This card has expired.");
        if (year > today.Year + MaxYearsAhead) throw DomainException.Format("The expiry date cannot be more than {0} years ahead.", MaxYearsAhead);
        return expiry;
    }

    /// <summary>Whether the month has ended on the issuer's calendar (<paramref name="today"/>, <see cref="IssuerTime.Date"/>).</summary>
    public bool IsExpired(DateOnly today) => IsExpired(Year, Month, today);

    public static bool IsExpired(int year, int month, DateOnly today) => year < today.Year || (year == today.Year && month < today.Month);

    public override string ToString() => $"{Month:00}/{Year % 100:00}";
}
