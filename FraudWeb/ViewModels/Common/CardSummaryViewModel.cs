using FraudWeb.Infrastructure.Localization;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;

namespace FraudWeb.ViewModels.Common;

/// <summary>A card as every screen shows it: brand and last 4 only, never more of the number.</summary>
public sealed record CardSummaryViewModel(long Id, string Brand, string Last4, string Expiry, string CardholderName,
    decimal CreditLimit, decimal Balance, decimal AvailableCredit, string Masked)
{
    public int ExpiryMonth { get; init; }

    public int ExpiryYear { get; init; }

    /// <summary>How it was stopped (removed or reported lost or stolen by its holder, blocked by the bank); null while it takes payments.</summary>
    public CardStop? StoppedAs { get; init; }

    /// <summary>When its holder stopped it.</summary>
    public DateTime? StoppedUtc { get; init; }

    public bool IsStopped => StoppedAs is not null;

    /// <summary>Blocked by the bank: no payments until staff lift it (docs/decisions/0028).</summary>
    public bool IsBlocked => StoppedAs == CardStop.Blocked;

    /// <summary>Why staff blocked it (staff's pages only; the holder sees that the bank blocked it, not staff's words).</summary>
    public CardBlockReason? BlockReason { get; init; }

    /// <summary>Staff's note on the block (staff's pages only).</summary>
    public string? BlockNote { get; init; }

    /// <summary>
    /// Whether the card's month has ended on the issuer's calendar (<c>IssuerClock.Today</c>): a payment with it is refused,
    /// so the pages say so rather than offer its credit (docs/decisions/0022).
    /// </summary>
    public bool IsExpiredOn(DateOnly issuerToday) => CardExpiry.IsExpired(ExpiryYear, ExpiryMonth, issuerToday);

    /// <summary>The one mapping from a card.</summary>
    public static CardSummaryViewModel From(Card card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return new(card.Id, CardLabel.Brand(card.Brand), card.Last4, card.ExpiryText, card.CardholderName, card.CreditLimit, card.Balance, card.AvailableCredit,
            CardLabel.Mask(card.Brand, card.Last4)) { ExpiryMonth = card.ExpiryMonth, ExpiryYear = card.ExpiryYear, StoppedAs = card.StoppedAs, StoppedUtc = card.StoppedUtc, BlockReason = card.BlockReason, BlockNote = card.BlockNote };
    }
}
