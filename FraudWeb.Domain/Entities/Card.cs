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

    /// <summary>Why the holder stopped the card (removed, or reported lost or stolen); null while it takes payments.</summary>
    public CardStop? StoppedAs { get; private set; }

    /// <summary>When the holder stopped it; null while it takes payments.</summary>
    public DateTime? StoppedUtc { get; private set; }

    /// <summary>Stopped by its holder: it takes no new payments, its history and balance stay (docs/decisions/0023).</summary>
    public bool IsStopped => StoppedAs is not null;

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
        // A stopped card is not renewed: a removed one comes back as a new card, a lost one never (its replacement has a new number).
        EnsureTakesPayments();
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

    public bool CanCharge(decimal amount) => !IsStopped && amount > 0 && amount <= AvailableCredit;

    /// <summary>Adds an approved purchase to the balance.</summary>
    public void Charge(decimal amount)
    {
        EnsureTakesPayments();
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

    public const string RemovedMessage = "This card has been removed from your profile; it takes no payments.";
    public const string LostOrStolenMessage = "This card was reported lost or stolen; it takes no payments.";

    /// <summary>Refuses a new payment (or a renewal) on a card its holder stopped, saying why.</summary>
    public void EnsureTakesPayments()
    {
        if (StoppedAs is { } stop) throw new DomainException(stop == CardStop.LostOrStolen ? LostOrStolenMessage : RemovedMessage);
    }

    /// <summary>
    /// The holder takes the card off their profile: no new payment from now on. Its payments, reports and balance
    /// stay (a balance owed is still owed; a refund still credits it); the same number may be added again later as a new card.
    /// </summary>
    public void Remove(DateTime nowUtc)
    {
        if (nowUtc.Kind != DateTimeKind.Utc) throw new ArgumentException("Timestamps are UTC.", nameof(nowUtc));
        if (IsStopped) throw new DomainException(StoppedAs == CardStop.LostOrStolen ? "This card was already reported lost or stolen." : "This card has already been removed.", DomainErrorCode.StateChanged);
        (StoppedAs, StoppedUtc) = (CardStop.Removed, nowUtc);
    }

    /// <summary>
    /// The holder reports the card lost or stolen: stopped at once, and its number is never added back (the issuer's
    /// replacement has a new one). A card already removed stays removed: it takes no payments either way.
    /// </summary>
    public void ReportLostOrStolen(DateTime nowUtc)
    {
        if (nowUtc.Kind != DateTimeKind.Utc) throw new ArgumentException("Timestamps are UTC.", nameof(nowUtc));
        if (IsStopped) throw new DomainException(StoppedAs == CardStop.LostOrStolen ? "This card was already reported lost or stolen." : "This card has already been removed.", DomainErrorCode.StateChanged);
        (StoppedAs, StoppedUtc) = (CardStop.LostOrStolen, nowUtc);
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

/// <summary>How a card holder stopped a card (stored by name).</summary>
public enum CardStop
{
    /// <summary>Taken off the profile; the number may be added again.</summary>
    Removed = 1,

    /// <summary>Reported lost or stolen; the number is never added again.</summary>
    LostOrStolen = 2,
}
