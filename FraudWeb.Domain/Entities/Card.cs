using FraudWeb.Domain.Cards;

namespace FraudWeb.Domain.Entities;

/// <summary>
/// A payment card as we keep it: fingerprint, last four digits and brand, never the number itself.
/// Balance never goes above the credit limit.
/// </summary>
public class Card
{
    public const decimal MinimumCreditLimit = 100m;
    public const decimal MaximumCreditLimit = 50_000m;

    private Card()
    {
        Fingerprint = Last4 = CardholderName = "";
    }

    public long Id { get; private set; }
    public long CardHolderId { get; private set; }
    public CardHolder? CardHolder { get; private set; }
    public string Fingerprint { get; private set; }
    public string Last4 { get; private set; }
    public CardBrand Brand { get; private set; }
    public int ExpiryMonth { get; private set; }
    public int ExpiryYear { get; private set; }
    public string CardholderName { get; private set; }
    public decimal CreditLimit { get; private set; }
    public decimal Balance { get; private set; }
    public DateTime AddedUtc { get; private set; }

    public decimal AvailableCredit => CreditLimit - Balance;
    public string Masked => CardNumber.Mask(Brand, Last4);
    public string ExpiryText => $"{ExpiryMonth:00}/{ExpiryYear % 100:00}";

    public static Card Add(long cardHolderId, CardNumber number, string fingerprint, CardExpiry expiry, string cardholderName,
        decimal creditLimit, IssuerTime now)
    {
        ArgumentNullException.ThrowIfNull(number);
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        // Invisible characters only (a zero-width space) are no name: staff would see the card's name as nothing.
        if (PersonalDetailsLimits.IsBlank(cardholderName)) throw new DomainException("Enter the name shown on the card.");
        if (expiry.IsExpired(now.Date)) throw new DomainException("This card has expired.");
        EnsureCreditLimit(creditLimit);
        return new Card
        {
            CardHolderId = cardHolderId,
            Fingerprint = fingerprint,
            Last4 = number.Last4,
            Brand = number.Brand,
            ExpiryMonth = expiry.Month,
            ExpiryYear = expiry.Year,
            CardholderName = CheckedName(cardholderName),
            CreditLimit = creditLimit,
            AddedUtc = now.Utc,
        };
    }

    /// <summary>A card of the simulated population; its fingerprint is derived from a synthetic number.</summary>
    public static Card Simulated(long cardHolderId, string fingerprint, string last4, decimal creditLimit, DateTime addedUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        EnsureCreditLimit(creditLimit);
        return new Card
        {
            CardHolderId = cardHolderId,
            Fingerprint = fingerprint,
            Last4 = last4,
            Brand = CardBrand.Visa,
            ExpiryMonth = 12,
            ExpiryYear = addedUtc.Year + 3,
            CardholderName = "Simulated card holder",
            CreditLimit = creditLimit,
            AddedUtc = addedUtc,
        };
    }

    /// <summary>The name on the card is personal data; erased with its holder.</summary>
    internal void EraseCardholderName() => CardholderName = CardHolder.ErasedName;

    /// <summary>Whether this card's printed expiry is later than <paramref name="expiry"/>'s, the same, or earlier (-1, 0, 1 as CompareTo).</summary>
    public int CompareExpiry(CardExpiry expiry) => (ExpiryYear, ExpiryMonth).CompareTo((expiry.Year, expiry.Month));

    /// <summary>
    /// The issuer's renewal of this card: the same number with a later expiry (and the name now printed on it). The
    /// balance, limit and history stay: it is the same account.
    /// </summary>
    public void Renew(CardExpiry expiry, string cardholderName)
    {
        // Invisible characters only (a zero-width space) are no name: staff would see the card's name as nothing.
        if (PersonalDetailsLimits.IsBlank(cardholderName)) throw new DomainException("Enter the name shown on the card.");
        if (CompareExpiry(expiry) >= 0) throw new DomainException("A renewed card has a later expiry date than the one it replaces.");
        // Checked before anything changes: a refused name leaves the card as it was.
        var name = CheckedName(cardholderName);
        ExpiryMonth = expiry.Month;
        ExpiryYear = expiry.Year;
        CardholderName = name;
    }

    /// <summary>The name on the card as kept: staff see it with the holder's cards, so no card number and no direction override.</summary>
    private static string CheckedName(string cardholderName) => CardNumber.RefusedIn(TextDirection.RefusedIn(cardholderName.Trim()));

    /// <summary>Whether the expiry month has ended on the issuer's calendar (<paramref name="today"/>, <see cref="IssuerTime.Date"/>).</summary>
    public bool IsExpired(DateOnly today) => CardExpiry.IsExpired(ExpiryYear, ExpiryMonth, today);

    public bool CanCharge(decimal amount) => amount > 0 && amount <= AvailableCredit;

    /// <summary>Adds an approved purchase to the balance.</summary>
    public void Charge(decimal amount)
    {
        if (amount <= 0) throw new DomainException("The amount must be positive.");
        if (amount > AvailableCredit) throw new DomainException("The amount is over the card's available credit.");
        Balance += amount;
    }

    /// <summary>A payment towards the balance.</summary>
    public void Repay(decimal amount)
    {
        if (amount <= 0) throw new DomainException("The amount must be positive.");
        if (amount > Balance) throw new DomainException("The payment is more than the balance.");
        Balance -= amount;
    }

    /// <summary>
    /// Takes a refunded charge off the balance. It may go below zero (money owed to the holder) if they had already
    /// paid the fraudulent amount off: the credit is theirs either way.
    /// </summary>
    public void Credit(decimal amount)
    {
        if (amount <= 0) throw new DomainException("The amount must be positive.");
        Balance -= amount;
    }

    public void ChangeCreditLimit(decimal creditLimit)
    {
        EnsureCreditLimit(creditLimit);
        if (creditLimit < Balance) throw new DomainException("The credit limit cannot be below the current balance.");
        CreditLimit = creditLimit;
    }

    private static void EnsureCreditLimit(decimal creditLimit)
    {
        if (creditLimit is < MinimumCreditLimit or > MaximumCreditLimit)
            throw DomainException.Format("The credit limit must be between {0:N0} and {1:N0}.", MinimumCreditLimit, MaximumCreditLimit);
        if (decimal.Round(creditLimit, 2) != creditLimit) throw new DomainException("The credit limit can have at most two decimals.");
    }
}
