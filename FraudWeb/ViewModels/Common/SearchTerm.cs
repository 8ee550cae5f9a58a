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
    /// the audit log found nothing for one). A form's one-time key, a GUID without dashes, is drawn so that it never
    /// holds one (<see cref="FormKey"/>).
    /// </summary>
    public static bool HoldsCardNumber(string term) => CardNumber.IsIn(term) && CardNumber.IsIn(AccountId().Replace(term, " "));

    // Set aside only where no digit run can cross its edges: a digit, or a separator after one, right before or after
    // it could join a card number to the id's digits ("4111 1111 1111 11111111-2222-..."), which would then be kept.
    // A separator is whatever CardNumber reads as one between digits (not a letter or a digit; a lone x), as "4111:1111:".
    // Fixed and bounded lengths: linear in the term, so no wall-clock time-out (see CardNumber's patterns).
    [GeneratedRegex(@"(?<![0-9A-Fa-f\p{Nd}-])(?<!\p{Nd}(?:[^\p{L}\p{Nd}]|[xX]){1,8})[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f\p{Nd}-])(?!(?:[^\p{L}\p{Nd}]|[xX]){1,8}\p{Nd})",
        RegexOptions.CultureInvariant)]
    private static partial Regex AccountId();
}
