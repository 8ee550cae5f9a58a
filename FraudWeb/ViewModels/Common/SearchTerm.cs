using System.Text.RegularExpressions;
using FraudWeb.Domain.Cards;

namespace FraudWeb.ViewModels.Common;

/// <summary>
/// A search term as the lists keep it in their boxes and paging links: a card number pasted into it is never kept whole
/// (PCI DSS 3.4.1). A term that is only a card number becomes its last four digits, which the card searches match.
/// </summary>
public static partial class SearchTerm
{
    public static string? WithoutCardNumber(string? term) =>
        term is null || !HoldsCardNumber(term) ? term
        : CardNumber.TryParse(term, out var number, out _) ? number!.Last4
        : CardNumber.Redact(term);

    /// <summary>
    /// Whether a term holds a card number once the account ids in it are set aside: an id is a GUID, and about one in
    /// 800 holds a Luhn-valid run of digits across its dashes. Reduced, such an id in an emailed link (?userId=), a
    /// return address (/AdminUsers/Details/{id}) or the audit log's target filter would name no account (a CI failure:
    /// the audit log found nothing for one). So is a GUID written without dashes (32 hex digits, at least one a letter),
    /// as the payment form's one-time key is: masked when the form came back to confirm an amount, the key no longer
    /// matched and the confirmed payment was refused as an expired form (a CI failure, 2026-12-07).
    /// </summary>
    public static bool HoldsCardNumber(string term) => CardNumber.IsIn(term) && CardNumber.IsIn(AccountId().Replace(term, " "));

    // Set aside only where no digit run can cross its edges: a digit, or a separator after one, right before or after
    // it could join a card number to the id's digits ("4111 1111 1111 11111111-2222-..."), which would then be kept.
    [GeneratedRegex(@"(?<![0-9A-Fa-f\p{Nd}-])(?<!\p{Nd}[\s\p{Pd}\p{Cf}./\\,_]{1,8})(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|(?=[0-9A-Fa-f]{0,31}[A-Fa-f])[0-9A-Fa-f]{32})(?![0-9A-Fa-f\p{Nd}-])(?![\s\p{Pd}\p{Cf}./\\,_]{1,8}\p{Nd})",
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AccountId();
}
