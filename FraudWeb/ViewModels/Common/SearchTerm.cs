using FraudWeb.Domain.Cards;

namespace FraudWeb.ViewModels.Common;

/// <summary>
/// A search term as the lists keep it in their boxes and paging links: a card number pasted into it is never kept whole
/// (PCI DSS 3.4.1). A term that is only a card number becomes its last four digits, which the card searches match.
/// </summary>
public static class SearchTerm
{
    public static string? WithoutCardNumber(string? term) =>
        term is null || !CardNumber.IsIn(term) ? term
        : CardNumber.TryParse(term, out var number, out _) ? number!.Last4
        : CardNumber.Redact(term);
}
