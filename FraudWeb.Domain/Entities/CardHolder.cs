using FraudWeb.Domain.Cards;

namespace FraudWeb.Domain.Entities;

/// <summary>
/// A card holder's personal details. A registered person has exactly one, linked by <see cref="UserId"/>;
/// the seeded population belongs to simulated holders that have no user and can never sign in.
/// </summary>
public class CardHolder
{
    public const int MinimumAge = 18;
    public const int MaximumAge = 120;

    private readonly List<Card> _cards = [];

    private CardHolder()
    {
        FullName = "";
    }

    public long Id { get; private set; }
    public string? UserId { get; private set; }
    public bool IsSimulated { get; private set; }
    public string FullName { get; private set; }
    public string? PhoneNumber { get; private set; }
    public DateOnly? DateOfBirth { get; private set; }
    /// <summary>Null only for simulated holders.</summary>
    public Address? Address { get; private set; }
    public DateTime CreatedUtc { get; private set; }

    /// <summary>
    /// New whenever the details change (or are erased): an edit form read at another version was read before someone
    /// else's save (the holder's or an administrator's) and would undo it. Null for simulated holders and holders
    /// whose details have not changed since the column was added.
    /// </summary>
    public Guid? RowVersion { get; private set; }

    /// <summary>
    /// When the holder gave the separate consent to the processing of their sensitive personal information (card and
    /// payment records) that PIPL article 29 asks for, and the privacy notice's version they were shown. Null for
    /// simulated holders, holders an administrator registered and holders from before consent was recorded: they are
    /// asked on their next page.
    /// </summary>
    public DateTime? ConsentedUtc { get; private set; }
    public string? ConsentNotice { get; private set; }

    public const int ConsentNoticeMaxLength = 32;

    public IReadOnlyCollection<Card> Cards => _cards.AsReadOnly();

    /// <summary>Records the holder's own consent to the notice of <paramref name="noticeVersion"/>.</summary>
    public void GiveConsent(string noticeVersion, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(noticeVersion);
        if (noticeVersion.Length > ConsentNoticeMaxLength) throw new ArgumentOutOfRangeException(nameof(noticeVersion));
        if (IsSimulated || IsErased) throw new DomainException("Only a card holder with an account can give consent.");
        ConsentedUtc = nowUtc;
        ConsentNotice = noticeVersion;
    }

    /// <summary>
    /// Forgets a consent the holder may not have given: the one an address's first registration recorded, when the
    /// mailbox's owner finishes the account (the first registrant may have been someone else). They are asked again.
    /// </summary>
    public void ForgetConsent()
    {
        ConsentedUtc = null;
        ConsentNotice = null;
    }

    /// <summary>Whether the holder consented to the notice of <paramref name="noticeVersion"/> (a new version asks again).</summary>
    public bool HasConsentedTo(string noticeVersion) => ConsentedUtc is not null && string.Equals(ConsentNotice, noticeVersion, StringComparison.Ordinal);

    public static CardHolder Register(string userId, string fullName, string phoneNumber, DateOnly dateOfBirth, Address address, IssuerTime now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var holder = new CardHolder { UserId = userId, CreatedUtc = now.Utc };
        holder.UpdateDetails(fullName, phoneNumber, dateOfBirth, address, now.Date);
        return holder;
    }

    public static CardHolder Simulated(string fullName, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullName);
        return new CardHolder { FullName = fullName.Trim(), IsSimulated = true, CreatedUtc = nowUtc };
    }

    /// <param name="today">The issuer's date, on which the holder must be of age (<see cref="IssuerTime.Date"/>).</param>
    public void UpdateDetails(string fullName, string phoneNumber, DateOnly dateOfBirth, Address address, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (IsSimulated) throw new DomainException("Simulated card holders have no editable details.");
        // Invisible characters only (a zero-width space) are no value: asked for, not measured.
        if (PersonalDetailsLimits.IsBlank(fullName)) throw new DomainException("Enter your full name.");
        if (PersonalDetailsLimits.IsBlank(phoneNumber)) throw new DomainException("Enter your phone number.");
        EnsureAdult(dateOfBirth, today);
        FullName = PersonalDetailsLimits.Checked(fullName, PersonalDetailsLimits.FullNameMinLength, PersonalDetailsLimits.FullNameMaxLength,
            "A name must be 2 to 100 characters.");
        PhoneNumber = PersonalDetailsLimits.Checked(PersonalDetailsLimits.NormalizePhoneNumber(phoneNumber)!, 1, PersonalDetailsLimits.PhoneNumberMaxLength, "A phone number must be at most 30 characters.");
        if (!PersonalDetailsLimits.HasPhoneDigits(PhoneNumber)) throw new DomainException(PersonalDetailsLimits.InvalidPhoneNumber);
        DateOfBirth = dateOfBirth;
        Address = address;
        RowVersion = Guid.NewGuid();
    }

    /// <summary>A former person whose account was deleted: details erased, financial records kept unlinked.</summary>
    public bool IsErased => UserId is null && !IsSimulated;

    /// <summary>
    /// Erases personal details and the link to the sign-in account; cards and transactions stay (masked already)
    /// for audit and retraining. See docs/decisions/0004-user-deletion.md.
    /// </summary>
    public void Erase()
    {
        if (IsSimulated) throw new DomainException("Simulated card holders have no personal details.");
        UserId = null;
        FullName = ErasedName;
        PhoneNumber = null;
        DateOfBirth = null;
        Address = null;
        RowVersion = Guid.NewGuid();
        foreach (var card in _cards) card.EraseCardholderName();
    }

    public const string ErasedName = "Erased card holder";

    public static int AgeOn(DateOnly dateOfBirth, DateOnly today)
    {
        var age = today.Year - dateOfBirth.Year;
        if (dateOfBirth > today.AddYears(-age)) age--;
        return age;
    }

    public static void EnsureAdult(DateOnly dateOfBirth, DateOnly today)
    {
        var age = AgeOn(dateOfBirth, today);
        if (age < MinimumAge) throw DomainException.Format("You must be at least {0} years old.", MinimumAge);
        if (age > MaximumAge) throw new DomainException("Please check your date of birth.");
    }
}
