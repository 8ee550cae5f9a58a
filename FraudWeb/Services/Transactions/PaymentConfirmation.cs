using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;

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
    /// <summary>
    /// How many times the reference the amount is, from the reference before it was rounded to cents for showing
    /// (333.34 against a usual 66.6667 is the 5 times that asked; against the 66.67 shown it would read 4).
    /// </summary>
    public decimal Multiple { get; init; } = Reference > 0 ? Amount / Reference : 0;
}

/// <summary>
/// The payment form's check before submitting: a typo of a few zeros (500000 for 500.00) or a payment far beyond the
/// holder's habits is shown back for confirmation instead of paid. Integrators' API calls are not asked.
/// </summary>
public static class PaymentConfirmation
{
    public const decimal LargeAmount = 1000m;
    public const int UnusualMultiple = 5;
    /// <summary>Fewer recent payments than this say nothing about what is usual.</summary>
    public const int UsualFrom = 3;

    /// <summary>
    /// What to confirm about paying <paramref name="amount"/> with <paramref name="card"/>, or null to pay at once.
    /// <paramref name="spend"/> is the card's spend before the payment, as its features read it (the 30-day window is
    /// the usual payment's), so the check costs no query of its own.
    /// </summary>
    public static AmountToConfirm? Check(Card card, WindowTotals spend, decimal amount)
    {
        ArgumentNullException.ThrowIfNull(card);
        var available = card.AvailableCredit;
        if (amount > available) return new AmountToConfirm(ConfirmReason.OverAvailableCredit, amount, available);
        var usual = spend.Count30 > 0 ? spend.Total30 / spend.Count30 : 0;
        if (spend.Count30 >= UsualFrom && amount >= UnusualMultiple * usual)
            return new AmountToConfirm(ConfirmReason.UnusualForCard, amount, decimal.Round(usual, 2)) { Multiple = usual > 0 ? amount / usual : 0 };
        return amount >= LargeAmount ? new AmountToConfirm(ConfirmReason.Large, amount, LargeAmount) : null;
    }
}
