namespace FraudWeb.Data;

/// <summary>
/// A card's payments that count as spend in one UTC hour: how many and their total. Kept by database triggers on
/// Transactions (insert, the columns that matter changing, delete: migration HourlyFeatureTotals), so every writer keeps
/// it in its own transaction and the app never writes it. The online features sum these instead of the card's rows, so
/// a payment's features cost the same for a card with 10 payments a month and one with 10,000.
/// </summary>
public sealed class CardSpendHour
{
    public long CardId { get; set; }
    /// <summary>The hour's start (UTC, whole hour).</summary>
    public DateTime HourUtc { get; set; }
    public long Count { get; set; }
    public decimal Amount { get; set; }
}

/// <summary>A terminal's payments in one UTC hour and how many of them are labelled fraud; kept like <see cref="CardSpendHour"/>.</summary>
public sealed class TerminalHour
{
    public long TerminalId { get; set; }
    /// <summary>The hour's start (UTC, whole hour).</summary>
    public DateTime HourUtc { get; set; }
    public long Count { get; set; }
    public long FraudCount { get; set; }
}
