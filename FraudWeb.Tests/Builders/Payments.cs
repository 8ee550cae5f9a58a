using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Domain.Entities;

namespace FraudWeb.Tests.Builders;

/// <summary>
/// A card and one payment on it, scored at once: by default 250 at terminal 7 on a fresh card with a 1000 limit,
/// submitted at <see cref="Now"/>. Analysts decide <see cref="Later"/>.
/// </summary>
public static class Payments
{
    public const string Analyst = "analyst@example.test";
    public const string SecondAnalyst = "second@example.test";
    public static readonly DateTime Now = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime Later = Now.AddDays(2);

    /// <summary>A payment the scorer decided as <paramref name="decision"/>; <paramref name="alreadyCharged"/> is on the card before it.</summary>
    public static (Card Card, CardTransaction Transaction) Submitted(Decision decision, decimal amount = 250m, decimal limit = 1000m, decimal alreadyCharged = 0m)
    {
        var card = CardTests.NewCard(limit);
        if (alreadyCharged > 0) card.Charge(alreadyCharged);
        var transaction = CardTransaction.Submit(card, 7, amount, Now);
        transaction.RecordVerdict(Verdict(decision));
        return (card, transaction);
    }

    /// <summary>A payment in the review band: held, not charged until an analyst decides.</summary>
    public static (Card Card, CardTransaction Transaction) Held(decimal amount = 250m) => Submitted(Decision.Review, amount);

    /// <summary>A report the card holder opens on the payment at <see cref="Now"/>.</summary>
    public static FraudReport Report(CardTransaction transaction, ReportKind kind, string reason = "About this payment.")
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return FraudReport.Open(transaction, kind, reason, Now);
    }

    public static Verdict Verdict(Decision decision) =>
        new(decision == Decision.Review ? 70 : 10, decision, "gbt-test", "[]", 1.5, decision == Decision.Declined ? DeclineReasons.HighRisk : null);
}
