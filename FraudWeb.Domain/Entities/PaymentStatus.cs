using System.Linq.Expressions;

namespace FraudWeb.Domain.Entities;

/// <summary>Where a payment stands for its holder: the verdict, unless a review or a refund has overtaken it.</summary>
public enum PaymentStatus
{
    /// <summary>Seeded history: it never went through the scorer.</summary>
    NotScored,
    Approved,
    /// <summary>Held for an analyst; not charged yet.</summary>
    Review,
    Declined,
    ApprovedAfterReview,
    DeclinedAfterReview,
    /// <summary>Charged, then confirmed as fraud and credited back to the card.</summary>
    Refunded,
}

/// <summary>The one rule for <see cref="PaymentStatus"/>: a refund beats a review's settlement, which beats the verdict.</summary>
public static class PaymentStatusRule
{
    /// <summary>The rule as an expression, so EF Core computes the status in SQL (filters, projections, paging).</summary>
    public static Expression<Func<CardTransaction, PaymentStatus>> Expression { get; } = t =>
        t.Verdict == null ? PaymentStatus.NotScored
        : t.RefundedUtc != null ? PaymentStatus.Refunded
        : t.Settlement == ReviewSettlement.Charged ? PaymentStatus.ApprovedAfterReview
        : t.Settlement == ReviewSettlement.Declined ? PaymentStatus.DeclinedAfterReview
        : t.Verdict.Decision == Decision.Approved ? PaymentStatus.Approved
        : t.Verdict.Decision == Decision.Review ? PaymentStatus.Review
        : PaymentStatus.Declined;

    /// <summary>
    /// Whether the payment is part of the card's spending that features compare later payments with: all but declined
    /// attempts (declined by the verdict, or after review), which were never charged.
    /// </summary>
    public static Expression<Func<CardTransaction, bool>> CountsAsSpend { get; } = t =>
        t.Verdict == null || (t.Verdict.Decision != Decision.Declined && t.Settlement != ReviewSettlement.Declined);

    /// <summary>
    /// Whether the holder's silence about the payment says it was theirs once it has matured (docs/decisions/0005): it
    /// was charged (or is seeded history). A payment the check stopped, declined or held and never decided, is not on
    /// their statement and a fraudster does not report a declined attempt, so silence there says nothing.
    /// </summary>
    public static Expression<Func<CardTransaction, bool>> SilenceMeansLegitimate { get; } = t =>
        t.Verdict == null || t.Verdict.Decision == Decision.Approved || t.Settlement == ReviewSettlement.Charged;

    private static readonly Func<CardTransaction, PaymentStatus> Compiled = Expression.Compile();

    private static readonly Func<CardTransaction, bool> CompiledSpend = CountsAsSpend.Compile();

    /// <summary><see cref="CountsAsSpend"/> in memory (the same expression, compiled).</summary>
    public static bool CountsAsSpendOf(CardTransaction transaction) => CompiledSpend(transaction);

    /// <summary>The same rule in memory (one definition: the compiled expression).</summary>
    public static PaymentStatus Of(CardTransaction transaction) => Compiled(transaction);
}
