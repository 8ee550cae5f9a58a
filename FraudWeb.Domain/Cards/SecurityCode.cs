using System.Text.RegularExpressions;

namespace FraudWeb.Domain.Cards;

/// <summary>
/// A card's security code (CVV2, CVC2, CID) written into free text after its name: sensitive authentication data,
/// never kept after authorisation (PCI DSS 3.3.1). A report reason "card 4012… exp 12/29 cvv 737" kept "cvv 737" once the
/// number was masked (auditor's test). Only digits that follow such a name are taken: three-digit amounts stay.
/// </summary>
public static partial class SecurityCode
{
    /// <summary>What replaces the code: the same for three and four digits, so not even its length is kept.</summary>
    public const string Mask = "•••";

    /// <summary>Fields that refuse a card number refuse its security code too (<see cref="CardNumber.RefusedIn"/>).</summary>
    public const string TypedWhereNotWanted = "Do not type a card's security code here: FraudWeb never keeps it.";

    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Named().Replace(text, m => m.Value[..(m.Groups["code"].Index - m.Index)] + Mask);
    }

    public static bool IsIn(string? text) => text is not null && Named().IsMatch(text);

    // The names in English and Chinese (验证码 is also a one-time code, which has no place in a report either), not
    // inside a longer word; then up to two filler words ("code", "number", "is", "是") with separators of any kind
    // (dashes too), or none at all ("cvv737"); then the code, not followed by more digits. Linear in the text: bounded
    // counts, and the one unbounded run (the spaces in "security code") is read only after its first word, and ends at a
    // letter. So no wall-clock time-out (see CardNumber's patterns).
    [GeneratedRegex(@"(?:(?<![\p{L}\p{Nd}])(?:cvv2?|cvc2?|cvn2?|cav2|cid|csc|security\s+code|verification\s+(?:code|value)|card\s+code)(?!\p{L})|安全码|验证码|校验码|检验码)" +
                    @"(?:[\s:：=#'""“”.,，(（\p{Pd}]{0,4}(?:code|number|num|no\.?|is|was|是|为|為)(?!\p{L})){0,2}" +
                    @"[\s:：=#'""“”.,，(（\p{Pd}]{0,4}(?<code>\p{Nd}{3,4})(?!\p{Nd})",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Named();
}
