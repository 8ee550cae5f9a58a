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

    /// <summary>
    /// Why the card is stopped (removed or reported lost or stolen by its holder, or blocked by the bank's staff); null
    /// while it takes payments.
    /// </summary>
    public CardStop? StoppedAs { get; private set; }

    /// <summary>When it was stopped; null while it takes payments.</summary>
    public DateTime? StoppedUtc { get; private set; }

    /// <summary>Why staff blocked it; set only while <see cref="StoppedAs"/> is <see cref="CardStop.Blocked"/> (docs/decisions/0028).</summary>
    public CardBlockReason? BlockReason { get; private set; }

    /// <summary>Staff's optional note on the block (at most <see cref="BlockNoteMaxLength"/> characters); erased with the holder.</summary>
    public string? BlockNote { get; private set; }

    /// <summary>Stopped: it takes no new payments, its history and balance stay (docs/decisions/0023, 0028).</summary>
    public bool IsStopped => StoppedAs is not null;

    /// <summary>Blocked by the bank: no payments until staff lift the block; its number stays the holder's active card.</summary>
    public bool IsBlocked => StoppedAs == CardStop.Blocked;

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
            CardholderName = SimulatedCardholderName,
            CreditLimit = creditLimit,
            AddedUtc = addedUtc,
        };
    }

    /// <summary>The name on the card is personal data; erased with its holder.</summary>
    internal void EraseCardholderName()
    {
        CardholderName = CardHolder.ErasedName;
        // Staff's words about the holder are personal data too; the block itself (and its reason) stays.
        if (BlockNote is not null) BlockNote = ErasedBlockNote;
    }

    /// <summary>The name on a simulated card (the seeded population's; an English placeholder the pages translate).</summary>
    public const string SimulatedCardholderName = "Simulated card holder";

    /// <summary>What an erased holder's block note reads.</summary>
    public const string ErasedBlockNote = "(erased)";

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
    private static string CheckedName(string cardholderName) => CardNumber.RefusedIn(FreeText.Checked(cardholderName.Trim()));

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
    public const string BlockedMessage = "This card is blocked by the bank; it takes no payments until the bank lifts the block. Call the number on the back of the card.";

    /// <summary>Refuses a new payment (or a renewal) on a stopped card, saying why (a block with its own code: API callers branch on it).</summary>
    public void EnsureTakesPayments()
    {
        switch (StoppedAs)
        {
            case CardStop.Blocked: throw new DomainException(BlockedMessage, DomainErrorCode.Blocked);
            case CardStop.LostOrStolen: throw new DomainException(LostOrStolenMessage);
            case CardStop.Removed: throw new DomainException(RemovedMessage);
        }
    }

    /// <summary>Why a second stop is refused: what the first one did.</summary>
    private static string AlreadyStopped(CardStop stop) => stop switch
    {
        CardStop.LostOrStolen => "This card was already reported lost or stolen.",
        CardStop.Blocked => "This card is already blocked by the bank.",
        _ => "This card has already been removed.",
    };

    /// <summary>
    /// The holder takes the card off their profile: no new payment from now on. Its payments, reports and balance
    /// stay (a balance owed is still owed; a refund still credits it); the same number may be added again later as a new card.
    /// </summary>
    public void Remove(DateTime nowUtc)
    {
        if (nowUtc.Kind != DateTimeKind.Utc) throw new ArgumentException("Timestamps are UTC.", nameof(nowUtc));
        // A blocked card is not removed: its number, added again as a new card, would take payments the bank stopped.
        if (IsBlocked) throw new DomainException(BlockedRemoveMessage, DomainErrorCode.StateChanged);
        if (StoppedAs is { } stop) throw new DomainException(AlreadyStopped(stop), DomainErrorCode.StateChanged);
        (StoppedAs, StoppedUtc) = (CardStop.Removed, nowUtc);
    }

    public const string BlockedRemoveMessage = "This card is blocked by the bank, so it cannot be removed now. Call the number on the back of the card, or report it lost or stolen if it is.";

    /// <summary>
    /// The holder reports the card lost or stolen: stopped at once, and its number is never added back (the issuer's
    /// replacement has a new one). A card already removed stays removed: it takes no payments either way. A card the
    /// bank blocked may be reported: the report is permanent, where the block could be lifted.
    /// </summary>
    public void ReportLostOrStolen(DateTime nowUtc)
    {
        if (nowUtc.Kind != DateTimeKind.Utc) throw new ArgumentException("Timestamps are UTC.", nameof(nowUtc));
        if (StoppedAs is { } stop && stop != CardStop.Blocked) throw new DomainException(AlreadyStopped(stop), DomainErrorCode.StateChanged);
        (StoppedAs, StoppedUtc, BlockReason, BlockNote) = (CardStop.LostOrStolen, nowUtc, null, null);
    }

    /// <summary>The longest block note staff may write.</summary>
    public const int BlockNoteMaxLength = 200;

    /// <summary>
    /// Staff block the card: no payment from now on until staff lift it (<see cref="Unblock"/>). Only a card that takes
    /// payments is blocked: a removed or lost card is stopped for good already. "Other" needs a note saying what.
    /// </summary>
    public void Block(CardBlockReason reason, string? note, DateTime nowUtc)
    {
        if (nowUtc.Kind != DateTimeKind.Utc) throw new ArgumentException("Timestamps are UTC.", nameof(nowUtc));
        if (!Enum.IsDefined(reason)) throw new DomainException("Choose why the card is blocked.");
        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (text is not null && PersonalDetailsLimits.IsBlank(text)) text = null;
        if (reason == CardBlockReason.Other && text is null) throw new DomainException("Say in the note why the card is blocked.");
        if (text is { Length: > BlockNoteMaxLength }) throw DomainException.Format("The note has at most {0} characters.", BlockNoteMaxLength);
        // Checked before anything changes; staff and the holder's data download read it, so no card number and no direction override.
        if (text is not null) text = CardNumber.RefusedIn(FreeText.Checked(text));
        if (StoppedAs is { } stop) throw new DomainException(AlreadyStopped(stop), DomainErrorCode.StateChanged);
        (StoppedAs, StoppedUtc, BlockReason, BlockNote) = (CardStop.Blocked, nowUtc, reason, text);
    }

    /// <summary>Staff lift their block: the card takes payments again. A holder's own stop (removed, lost or stolen) is never lifted.</summary>
    public void Unblock()
    {
        if (StoppedAs is { } stop && stop != CardStop.Blocked)
            throw new DomainException(stop == CardStop.LostOrStolen ? "The card holder reported this card lost or stolen; that stop is never lifted." : "The card holder removed this card; that stop is never lifted.", DomainErrorCode.StateChanged);
        if (StoppedAs is null) throw new DomainException("This card is not blocked.", DomainErrorCode.StateChanged);
        (StoppedAs, StoppedUtc, BlockReason, BlockNote) = (null, null, null, null);
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

/// <summary>How a card was stopped (stored by name): by its holder, or blocked by the bank's staff.</summary>
public enum CardStop
{
    /// <summary>Taken off the profile; the number may be added again.</summary>
    Removed = 1,

    /// <summary>Reported lost or stolen; the number is never added again.</summary>
    LostOrStolen = 2,

    /// <summary>Blocked by the bank's staff; lifted by staff only. The number stays the holder's active card.</summary>
    Blocked = 3,
}

/// <summary>Why staff blocked a card (stored by name).</summary>
public enum CardBlockReason
{
    /// <summary>Staff suspect fraud on the card (a review, a pattern).</summary>
    SuspectedFraud = 1,

    /// <summary>The holder asked by phone.</summary>
    HolderRequest = 2,

    /// <summary>Anything else; the note says what.</summary>
    Other = 3,
}
