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
    /// the audit log found nothing for one).
    /// </summary>
    public static bool HoldsCardNumber(string term) => CardNumber.IsIn(term) && CardNumber.IsIn(AccountId().Replace(term, " "));

    [GeneratedRegex("(?<![0-9A-Fa-f-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f-])",
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AccountId();
}
