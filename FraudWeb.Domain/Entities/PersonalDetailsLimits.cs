namespace FraudWeb.Domain.Entities;

/// <summary>
/// The sizes and shapes of a card holder's details, in one place: the entity enforces them, the forms (register,
/// profile, administration) validate with them and the database columns are sized from them.
/// </summary>
public static partial class PersonalDetailsLimits
{
    public const int FullNameMinLength = 2;
    public const int FullNameMaxLength = 100;
    public const int PhoneNumberMaxLength = 30;

    /// <summary>
    /// A phone number's digits, country code included: E.164 allows at most 15, and no dialable number a bank could
    /// call has fewer than 6 ("12345" was saved: Chinese UI test).
    /// </summary>
    public const int PhoneDigitsMin = 6;
    public const int PhoneDigitsMax = 15;

    /// <summary>
    /// Whether the number has <see cref="PhoneDigitsMin"/> to <see cref="PhoneDigitsMax"/> digits of any script (once
    /// <see cref="NormalizePhoneNumber"/>d), an extension ("ext. 1234", "x12", as [Phone] takes them) not counted.
    /// </summary>
    public static bool HasPhoneDigits(string phoneNumber)
    {
        if (phoneNumber is null) return false;
        var extension = Extension().Match(phoneNumber);
        var number = extension.Success ? phoneNumber[..extension.Index] : phoneNumber;
        return number.Count(char.IsDigit) is >= PhoneDigitsMin and <= PhoneDigitsMax;
    }

    // Linear (each digit run is read once), so no wall-clock time-out, which also fires on a garbage collection's pause
    // (a registration answered 500 under load when CardNumber's did). No leading \s*: it only widened the match over
    // spaces, which hold no digits.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:ext\.?|x)\s*\d+\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Extension();

    public const string InvalidPhoneNumber = "Enter a valid phone number.";
    public const int AddressLineMaxLength = 100;
    public const int CityMaxLength = 60;
    public const int PostcodeMaxLength = 12;
    public const int CountryMinLength = 2;
    public const int CountryMaxLength = 60;

    /// <summary>Letters, digits, spaces and hyphens, starting with a letter or digit (2 to 11 characters).</summary>
    public const string PostcodePattern = @"^[A-Za-z0-9][A-Za-z0-9 \-]{1,10}$";

    /// <summary>Whether <paramref name="code"/> has a postcode's form (<see cref="PostcodePattern"/>).</summary>
    public static bool IsPostcodeForm(string code) => Postcode().IsMatch(code);

    [System.Text.RegularExpressions.GeneratedRegex(PostcodePattern)]
    private static partial System.Text.RegularExpressions.Regex Postcode();

    /// <summary>
    /// A phone number as typed, its compatibility forms made plain (NFKC): the full-width digits, plus sign, brackets,
    /// hyphen and space that Chinese and Japanese input methods type become ASCII, and digits of any other script
    /// (Arabic-Indic, Devanagari) ASCII digits, so the number is checked, stored and compared as digits. Text that is
    /// not valid Unicode is given back as it is (the checks then refuse it).
    /// </summary>
    public static string? NormalizePhoneNumber(string? value) => value is null ? null : PlainDigits(value);

    /// <summary>
    /// The text in its compatibility forms (NFKC: full-width letters and digits as ASCII) with every decimal digit as
    /// an ASCII one: one rule for the fields that hold digits (phone, postcode). Money QA: a phone in Arabic-Indic digits
    /// was stored as typed while a full-width one became ASCII, and a full-width postcode was refused.
    /// </summary>
    public static string PlainDigits(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string plain;
        try
        {
            plain = value.Normalize(System.Text.NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return value;
        }
        if (!plain.Any(c => char.IsDigit(c) && !char.IsAsciiDigit(c))) return plain;
        return string.Create(plain.Length, plain, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                span[i] = char.IsDigit(c) && !char.IsAsciiDigit(c) ? (char)('0' + System.Globalization.CharUnicodeInfo.GetDecimalDigitValue(c)) : c;
            }
        });
    }

    /// <summary>
    /// Nothing, or only spaces and invisible (format) characters such as U+200B: the field shows as empty, so it is
    /// treated as empty (the forms too). Shown to staff in lists, such a value would show as nothing (edge-case review).
    /// </summary>
    public static bool IsBlank([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] string? value) =>
        value is null || value.All(c => char.IsWhiteSpace(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);

    /// <summary>A value the caller has found not <see cref="IsBlank"/> (refused with its field's own "enter" message).</summary>
    internal static string Checked(string value, int min, int max, string tooShortOrLong)
    {
        // A blank one here would get the length's message, which says nothing of what is wrong (exploratory testing).
        if (IsBlank(value)) throw new ArgumentException("Refuse a blank value with its field's own message first.", nameof(value));
        // Composed (NFC): "José" typed with a combining accent is stored, searched and compared as the same name.
        var trimmed = value.Trim().Normalize(System.Text.NormalizationForm.FormC);
        // Zero-width characters count towards neither end ("A" and a U+200B is one character that shows).
        if (TextLength.Visible(trimmed) < min || TextLength.Of(trimmed) > max) throw new DomainException(tooShortOrLong);
        // Shown to staff in lists: a direction override would make the text after it read backwards (edge-case review).
        return Cards.CardNumber.RefusedIn(FreeText.Checked(trimmed));
    }
}
