using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using LinqKit;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Transactions;

/// <summary>Why an amount deserves a second look before it is paid, most serious first.</summary>
public enum ConfirmReason
{
    /// <summary>More than the card's available credit: it will be declined.</summary>
    OverAvailableCredit,
    /// <summary>Many times what the holder usually pays with this card.</summary>
    UnusualForCard,
    /// <summary>A large amount in itself.</summary>
    Large,
}

/// <summary>
/// An amount to confirm, with what it was compared with: the available credit, or the card's usual payment (its
/// 30-day average of charged payments).
/// </summary>
public sealed record AmountToConfirm(ConfirmReason Reason, decimal Amount, decimal Reference)
{
    public decimal Multiple => Reference > 0 ? Amount / Reference : 0;
}

/// <summary>
/// The payment form's check before submitting: a typo of a few zeros (500000 for 500.00) or a payment far beyond the
/// holder's habits is shown back for confirmation instead of paid. Integrators' API calls are not asked.
/// </summary>
public sealed class PaymentConfirmation(FraudDbContext db, TimeProvider clock)
{
    public const decimal LargeAmount = 1000m;
    public const int UnusualMultiple = 5;
    /// <summary>Fewer recent payments than this say nothing about what is usual.</summary>
    public const int UsualFrom = 3;
    public static readonly TimeSpan UsualWindow = TimeSpan.FromDays(30);

    /// <summary>What to confirm about paying <paramref name="amount"/> with the caller's card, or null to pay at once.</summary>
    public async Task<AmountToConfirm?> CheckAsync(string userId, long cardId, decimal amount, CancellationToken cancellationToken)
    {
        var card = await db.Cards.AsNoTracking().OwnedBy(userId).Where(c => c.Id == cardId)
            .Select(c => new { c.CreditLimit, c.Balance }).FirstOrDefaultAsync(cancellationToken);
        // Not the caller's card: submitting says so.
        if (card is null) return null;
        var available = card.CreditLimit - card.Balance;
        if (amount > available) return new AmountToConfirm(ConfirmReason.OverAvailableCredit, amount, available);
        var since = clock.GetUtcNow().UtcDateTime - UsualWindow;
        var usual = await db.Transactions.AsNoTracking()
            .Where(t => t.CardId == cardId && t.TimestampUtc > since)
            .Where(t => PaymentStatusRule.CountsAsSpend.Invoke(t))
            .GroupBy(t => 1).Select(g => new { Count = g.Count(), Total = g.Sum(t => t.Amount) })
            .FirstOrDefaultAsync(cancellationToken);
        if (usual is { Count: >= UsualFrom } && amount >= UnusualMultiple * (usual.Total / usual.Count))
            return new AmountToConfirm(ConfirmReason.UnusualForCard, amount, decimal.Round(usual.Total / usual.Count, 2));
        return amount >= LargeAmount ? new AmountToConfirm(ConfirmReason.Large, amount, LargeAmount) : null;
    }
}
