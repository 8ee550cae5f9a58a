namespace FraudWeb.Domain.Features;

/// <summary>
/// The raw fields every feature is computed from. CustomerId is the card (the handbook's "customer"; in the web app
/// the card's id). IsFraud is the label as known at computation time: in the web app, confirmed fraud; a transaction
/// not (yet) confirmed counts as legitimate, which is why terminal risk only looks at transactions older than the
/// label delay. CountsAsSpend is false for a declined attempt: it was never charged, so it is not part of the card's
/// spending that later payments are compared with (it still counts at its terminal, where attempts are the signal).
/// FraudKnownUtc: when a fraud was confirmed (an analyst's label); a later payment's terminal features count it only
/// from then, as the live payment path did, on top of the label delay. Null: known from its own time (simulations, CSV
/// files, the seeded history), so the delay alone decides.
/// </summary>
public readonly record struct TransactionRecord(
    long TransactionId,
    DateTime Timestamp,
    long CustomerId,
    long TerminalId,
    double Amount,
    bool IsFraud,
    bool CountsAsSpend = true,
    DateTime? FraudKnownUtc = null)
{
    /// <summary>Whether this transaction counts as fraud for features computed at <paramref name="atTicks"/>.</summary>
    internal bool IsKnownFraudAt(long atTicks) => IsFraud && (FraudKnownUtc is not { } known || known.Ticks <= atTicks);
}
