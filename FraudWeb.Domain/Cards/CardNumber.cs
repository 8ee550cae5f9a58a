using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Domain.Cards;

/// <summary>
/// A validated primary account number, held only in memory while a card is being added.
/// ToString never reveals it; only <see cref="Last4"/> and <see cref="Brand"/> leave this type.
/// </summary>
public sealed partial class CardNumber
{
    private readonly string _digits;

    private CardNumber(string digits, CardBrand brand)
    {
        _digits = digits;
        Brand = brand;
    }

    public CardBrand Brand { get; }

    public string Last4 => _digits[^4..];

    /// <summary>The digits, for computing the fingerprint; never store or log them.</summary>
    public ReadOnlySpan<char> Digits => _digits;

    public override string ToString() => Mask(Brand, Last4);

    public static string Mask(CardBrand brand, string last4) => Mask(brand.DisplayName(), last4);

    /// <summary>The same label with the brand named by the caller (a page names it in its language).</summary>
    public static string Mask(string brandName, string last4) => $"{brandName} •••• {last4}";

    /// <summary>Parses user input: spaces and dashes are allowed, anything else is rejected.</summary>
    public static CardNumber Parse(string? input) => Read(input, out var error) ?? throw error!;

    /// <summary>Parses user input; <paramref name="error"/> is the English message when it is not a card number.</summary>
    public static bool TryParse(string? input, out CardNumber? number, out string? error)
    {
        number = Read(input, out var problem);
        error = problem?.Message;
        return number is not null;
    }

    /// <summary>
    /// Why the input is not a card number, or null when it is one: the exception <see cref="Parse"/> would throw, whose
    /// template and values let a form say it in the user's language.
    /// </summary>
    public static DomainException? Check(string? input)
    {
        _ = Read(input, out var problem);
        return problem;
    }

    private static CardNumber? Read(string? input, out DomainException? error)
    {
        var digits = string.IsNullOrWhiteSpace(input) ? null : DigitsOf(input);
        if (digits is null)
        {
            error = new DomainException("Enter the card number using digits only (spaces and dashes are fine).");
            return null;
        }
        // Digits only, but too few or too many (a digit dropped or doubled): said as a count, not as "digits only".
        var brand = DetectBrand(digits);
        if (brand == CardBrand.Unknown)
        {
            error = digits.Length is >= MinimumDigits and <= MaximumDigits
                ? new DomainException("This card brand is not recognised.")
                : DomainException.Format("A card number has {0} to {1} digits.", MinimumDigits, MaximumDigits);
            return null;
        }
        var lengths = ValidLengths(brand);
        if (!lengths.Contains(digits.Length))
        {
            error = lengths.Count == 1
                ? DomainException.Format("A {0} card number has {1} digits.", brand.DisplayName(), lengths[0])
                : DomainException.Format("A {0} card number has {1} or {2} digits.", brand.DisplayName(),
                    string.Join(", ", lengths.Take(lengths.Count - 1)), lengths[^1]);
            return null;
        }
        if (!PassesLuhn(digits))
        {
            error = new DomainException("This card number is not valid. Please check it and try again.");
            return null;
        }
        error = null;
        return new CardNumber(digits, brand);
    }

    /// <summary>
    /// The text with every card number in it replaced by its masked form. Free text people type (a report's reason, a
    /// list entry's) is stored and shown to staff; a number typed there must not be kept whole (PCI DSS 3.4.1). A
    /// number is found however it is written: digits of any script (full-width too), up to eight separators of any
    /// kind between two (anything but letters, digits and brackets: spaces of any width, dashes, dots, slashes, colons,
    /// plus signs), and inside a longer run of digits. A second pass also reads brackets and a lone "x" between digits as
    /// separators ("(4111)1111-1111-1111", "4111x1111x…", kept whole before: privacy test), except a bracket around one
    /// or two digits, a phone number's trunk prefix ("+44 (0)20 …"), which ends a number there. A security code written
    /// after its name ("cvv 737") is masked too (<see cref="SecurityCode"/>).
    /// </summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SecurityCode.Redact(Masked(Masked(text, Find(text)), wide: true));
    }

    private static string Masked(string text, bool wide) => Masked(text, Find(text, wide));

    private static string Masked(string text, List<(int Start, int End, CardNumber Number)> found)
    {
        if (found.Count == 0) return text;
        var result = new System.Text.StringBuilder(text.Length);
        var at = 0;
        foreach (var (start, end, number) in found)
        {
            result.Append(text, at, start - at).Append(number.ToString());
            at = end;
        }
        return result.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>Whether the text holds a card number, written in any of the ways <see cref="Redact"/> finds (both passes).</summary>
    public static bool IsIn(string? text) => text is not null && (Find(text).Count > 0 || Find(text, wide: true).Count > 0);

    /// <summary>
    /// Refuses a card number typed into a field that is not for one (a name, an address, a description): stored and
    /// shown as typed, it would keep the number whole (PCI DSS 3.4.1). Free text meant for explanations masks instead.
    /// </summary>
    public const string TypedWhereNotWanted = "Do not type a card number here: FraudWeb keeps only a card's last four digits.";

    public static string RefusedIn(string text)
    {
        if (IsIn(text)) throw new DomainException(TypedWhereNotWanted);
        if (SecurityCode.IsIn(text)) throw new DomainException(SecurityCode.TypedWhereNotWanted);
        return text;
    }

    /// <summary>
    /// The card numbers in the text, as [start, end) spans in order. Each run of digits and separators is read as its
    /// digits; at each digit the longest window that is a valid number wins, so a number followed by more digits (a
    /// year, an amount) is still found.
    /// </summary>
    private static List<(int Start, int End, CardNumber Number)> Find(string text, bool wide = false)
    {
        var found = new List<(int, int, CardNumber)>();
        foreach (Match run in (wide ? WideDigitRun() : DigitRun()).Matches(text))
        {
            // A phone number's bracketed trunk prefix ("(0)") ends a number in the wide pass, the rest of the run is read on.
            var at = run.Index;
            if (wide)
            {
                foreach (Match prefix in TrunkPrefix().Matches(run.Value))
                {
                    FindIn(text, at, run.Index + prefix.Index, found);
                    at = run.Index + prefix.Index + prefix.Length;
                }
            }
            FindIn(text, at, run.Index + run.Length, found);
        }
        return found;
    }

    /// <summary>The card numbers among the digits of text[start, end), added to <paramref name="found"/>.</summary>
    private static void FindIn(string text, int start, int end, List<(int, int, CardNumber)> found)
    {
        var positions = new List<int>(end - start);
        var digits = new System.Text.StringBuilder(end - start);
        for (var i = start; i < end; i++)
        {
            if (!char.IsDigit(text[i])) continue;
            positions.Add(i);
            digits.Append((char)('0' + (int)char.GetNumericValue(text[i])));
        }
        var ascii = digits.ToString();
        for (var i = 0; i + MinDigits <= ascii.Length;)
        {
            var length = Math.Min(MaxDigits, ascii.Length - i);
            while (length >= MinDigits && Read(ascii.Substring(i, length), out _) is null) length--;
            if (length < MinDigits)
            {
                i++;
                continue;
            }
            found.Add((positions[i], positions[i + length - 1] + 1, Read(ascii.Substring(i, length), out _)!));
            i += length;
        }
    }

    private const int MinDigits = 12;
    private const int MaxDigits = 19;

    // No match time-out on these patterns: each step reads a digit or a separator, disjoint classes under bounded
    // counts, so the time is linear in the text. A wall-clock time-out fires on a garbage collection's pause or a
    // starved thread as well as on backtracking: a registration answered 500 under load (CI) when one did.

    /// <summary>
    /// Digits of any script, with up to eight separators between two: any character that is neither a letter, a digit nor
    /// a bracket (white space of any kind, a PDF's copied column of spaces, tabs, dashes, dots, slashes, commas, colons,
    /// plus signs, and invisible format characters such as zero-width spaces and soft hyphens). A fixed list of
    /// separators let "5555:5555:5555:4444" and "4012+8888+8888+1881" through whole (penetration test). Brackets still
    /// end a run: a phone number's trunk prefix, "+44 (0)20 7946 0006", would read as a 13-digit Visa (review).
    /// </summary>
    [GeneratedRegex(@"\p{Nd}(?:[^\p{L}\p{Nd}()（）\[\]]{0,8}\p{Nd})+", RegexOptions.CultureInvariant)]
    private static partial Regex DigitRun();

    /// <summary>The masking pass's runs: brackets and a lone x between two digits separate too.</summary>
    [GeneratedRegex(@"\p{Nd}(?:(?:[^\p{L}\p{Nd}]|(?<=\p{Nd})[xX](?=\p{Nd})){0,8}\p{Nd})+", RegexOptions.CultureInvariant)]
    private static partial Regex WideDigitRun();

    /// <summary>One or two digits in brackets: "+44 (0)20 …", a phone number, not a card's group of digits.</summary>
    [GeneratedRegex(@"[(（\[]\s*\p{Nd}{1,2}\s*[)）\]]", RegexOptions.CultureInvariant)]
    private static partial Regex TrunkPrefix();

    /// <summary>
    /// Strips white space (a non-breaking space pasted with the number too), dashes and invisible format characters, and
    /// reads full-width digits (a Chinese input method's) as digits; null when anything else remains or the length is
    /// implausible.
    /// </summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40) return null;
        return DigitsOf(input) is { Length: >= MinimumDigits and <= MaximumDigits } digits ? digits : null;
    }

    /// <summary>The fewest and most digits a card number has (ISO/IEC 7812).</summary>
    private const int MinimumDigits = 12, MaximumDigits = 19;

    /// <summary>The input's digits (full-width ones as ASCII) without its spaces and dashes; null when it holds anything else.</summary>
    private static string? DigitsOf(string input)
    {
        var buffer = new char[input.Length];
        var count = 0;
        foreach (var c in input)
        {
            if (char.IsWhiteSpace(c) || c == '-' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.DashPunctuation or UnicodeCategory.Format) continue;
            if (c is >= '０' and <= '９') buffer[count++] = (char)('0' + (c - '０'));
            else if (c is < '0' or > '9') return null;
            else buffer[count++] = c;
        }
        return count == 0 ? null : new string(buffer, 0, count);
    }

    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty) return false;
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (d is < 0 or > 9) return false;
            if (doubleIt)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /// <summary>Brand from the issuer identification number (IIN) ranges.</summary>
    public static CardBrand DetectBrand(ReadOnlySpan<char> digits)
    {
        if (digits.Length < 6) return CardBrand.Unknown;
        var p1 = digits[0] - '0';
        var p2 = int.Parse(digits[..2], provider: System.Globalization.CultureInfo.InvariantCulture);
        var p3 = int.Parse(digits[..3], provider: System.Globalization.CultureInfo.InvariantCulture);
        var p4 = int.Parse(digits[..4], provider: System.Globalization.CultureInfo.InvariantCulture);
        var p6 = int.Parse(digits[..6], provider: System.Globalization.CultureInfo.InvariantCulture);

        if (p2 is 34 or 37) return CardBrand.AmericanExpress;
        if (p4 is >= 3528 and <= 3589) return CardBrand.Jcb;
        if (p2 is 36 or 38 or 39 || p3 is >= 300 and <= 305 || p3 == 309) return CardBrand.DinersClub;
        if (p4 == 6011 || p2 == 65 || p3 is >= 644 and <= 649 || p6 is >= 622126 and <= 622925) return CardBrand.Discover;
        if (p2 == 62) return CardBrand.UnionPay;
        if (p2 is >= 51 and <= 55 || p6 is >= 222100 and <= 272099) return CardBrand.Mastercard;
        if (p1 == 4) return CardBrand.Visa;
        if (p4 is 5018 or 5020 or 5038 or 5893 or 6304 or 6759 or 6761 or 6762 or 6763) return CardBrand.Maestro;
        return CardBrand.Unknown;
    }

    public static IReadOnlyList<int> ValidLengths(CardBrand brand) => brand switch
    {
        CardBrand.Visa => [13, 16, 19],
        CardBrand.Mastercard => [16],
        CardBrand.AmericanExpress => [15],
        CardBrand.Discover => [16, 17, 18, 19],
        CardBrand.Jcb => [16, 17, 18, 19],
        CardBrand.DinersClub => [14, 15, 16, 17, 18, 19],
        CardBrand.UnionPay => [16, 17, 18, 19],
        CardBrand.Maestro => [12, 13, 14, 15, 16, 17, 18, 19],
        _ => [],
    };
}
