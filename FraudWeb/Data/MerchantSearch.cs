using System.Globalization;
using System.Text;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Seeding;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Data;

/// <summary>Finding a merchant from what a person types: its number, or part of its name or category.</summary>
public static class MerchantSearch
{
    /// <summary>
    /// Merchants whose number is <paramref name="term"/> ("123", "#123" or "no. 123"), or whose name or category
    /// contains it (ignoring case on both providers, and accents too on SQLite; wildcards typed are matched literally), or
    /// whose category's name in the page's language contains it.
    /// </summary>
    public static IQueryable<Terminal> Matching(this IQueryable<Terminal> terminals, string term, DbContext db)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentNullException.ThrowIfNull(db);
        if (NumberIn(term) is { } id) return terminals.Where(t => t.Id == id);
        var pattern = LikePattern.Containing(term);
        // Categories are stored in English: a term in the page's language ("餐厅") finds them by their translation.
        // So do the words people search a kind of shop by ("超市", "grocery": MerchantNames.SearchWords).
        var trimmed = term.Trim();
        var translated = MerchantNames.CategoryNames.Where(c => Text.Get(c) is var shown && shown != c && shown.Contains(trimmed, StringComparison.CurrentCultureIgnoreCase)
            || trimmed.Length > 0 && MerchantNames.SearchWords.TryGetValue(c, out var words) && words.Any(w => w.Contains(trimmed, StringComparison.OrdinalIgnoreCase))).ToList();
        if (db.Database.IsNpgsql())
        {
            // ILIKE folds case for every letter ("CAFÉ" finds "Café").
            return terminals.Where(t => EF.Functions.ILike(t.Name, pattern, LikePattern.Escape) || EF.Functions.ILike(t.Category, pattern, LikePattern.Escape) || translated.Contains(t.Category));
        }
        // SQLite's LIKE folds ASCII letters only ("CAFÉ" missed "Café"): both sides folded by .NET, matched as text.
        var folded = Fold(term.Trim());
        return terminals.Where(t => Fold(t.Name).Contains(folded) || Fold(t.Category).Contains(folded) || translated.Contains(t.Category));
    }

    /// <summary>The categories merchants are in, as stored (a few words: matched in .NET, where case folds for every letter).</summary>
    public static Task<List<string>> CategoriesAsync(this IQueryable<Terminal> terminals, CancellationToken cancellationToken) =>
        terminals.AsNoTracking().Select(t => t.Category).Distinct().OrderBy(c => c).ToListAsync(cancellationToken);

    /// <summary>
    /// Text as search compares it: lower case (invariant) without accents ("Café" -> "cafe"), full-width forms as their
    /// ASCII letters. In SQL it is SQLite's <c>fw_fold</c>, this very method registered on each connection.
    /// </summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Half a character (a search cut inside an emoji) made normalisation throw: a 500.
        var decomposed = TextLength.WellFormed(text).Normalize(NormalizationForm.FormKD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) kept.Append(char.ToLowerInvariant(c));
        }
        return kept.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// The merchant number in "123", "#123", "no. 123" or the Chinese label's "编号 123", also in the label's brackets
    /// as copied from the list ("(no. 123)", "（编号 123）"); null for anything else.
    /// </summary>
    public static long? NumberIn(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var text = term.Trim();
        if (text.Length > 2 && text[0] is '(' or '（' && text[^1] is ')' or '）') text = text[1..^1].Trim();
        foreach (var prefix in NumberPrefixes)
        {
            if (!text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            text = text[prefix.Length..].TrimStart();
            break;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>What the merchant list's labels put before a number, in each language it speaks ("{0} (no. {1})").</summary>
    private static readonly string[] NumberPrefixes = ["no.", "#", "编号"];
}
