using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;

namespace FraudWeb.ViewModels.Common;

/// <summary>
/// Amounts as people read and type them in the page's culture: shown with the currency (€12.50 in English, the
/// culture's own separators and symbol position elsewhere), and parsed strictly, so "12,50" typed out of habit is
/// refused with the right way to write it, never read as 1,250.
/// </summary>
public static class Money
{
    /// <summary>Longest input read (digits, separators, the currency).</summary>
    public const int MaxInputLength = 32;

    private static readonly ConcurrentDictionary<string, NumberFormatInfo> Formats = new(StringComparer.Ordinal);

    public static string Format(decimal amount) => Format(amount, CultureInfo.CurrentCulture);

    public static string Format(decimal amount, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return amount.ToString("C2", Formats.GetOrAdd(culture.Name, _ =>
        {
            var format = (NumberFormatInfo)culture.NumberFormat.Clone();
            format.CurrencySymbol = PaymentCurrency.Symbol;
            return NumberFormatInfo.ReadOnly(format);
        }));
    }

    /// <summary>An example amount for messages, written the culture's way (12.50).</summary>
    public static string Example(CultureInfo culture) => 12.5m.ToString("N2", culture);

    /// <summary>
    /// Reads an amount typed in <paramref name="culture"/>: digits, the culture's group separator between groups of
    /// three, its decimal separator before at most two decimals, and the currency symbol or code at either end.
    /// Full-width digits and punctuation (Chinese input methods) count as their ASCII forms. On failure, a message
    /// that says how to write it, in the page's language.
    /// </summary>
    public static bool TryParse(string? text, CultureInfo culture, out decimal amount, out string? error)
    {
        ArgumentNullException.ThrowIfNull(culture);
        amount = 0;
        var format = culture.NumberFormat;
        var example = Example(culture);
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxInputLength)
        {
            error = Text.Format("Enter the amount in euros, like {0}.", example);
            return false;
        }
        // NFKC turns full-width digits and signs into ASCII, but not the ideographic full stop a Chinese input method
        // types for a point ("12。50"): that one is read as the point too.
        var s = WithoutCurrency(text.Normalize(NormalizationForm.FormKC).Replace('\u3002', '.').Trim());
        if (s.StartsWith(format.NegativeSign, StringComparison.Ordinal) || s.StartsWith('-'))
        {
            error = Text.Get("Enter an amount above zero.");
            return false;
        }
        var point = s.IndexOf(format.NumberDecimalSeparator, StringComparison.Ordinal);
        var whole = point < 0 ? s : s[..point];
        var cents = point < 0 ? "" : s[(point + format.NumberDecimalSeparator.Length)..];
        if (point >= 0 && cents.Length > 2 && cents.All(char.IsAsciiDigit))
        {
            error = Text.Format("Enter at most two decimals (cents), like {0}.", example);
            return false;
        }
        if ((point >= 0 && (cents.Length == 0 || !cents.All(char.IsAsciiDigit))) || !IsWholePart(whole, format.NumberGroupSeparator, out var digits))
        {
            error = OtherDecimalSeparator(s, format) ?? Text.Format("\"{0}\" is not an amount. Write it like {1}.", text.Trim(), example);
            return false;
        }
        if (!decimal.TryParse(cents.Length == 0 ? digits : digits + "." + cents, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
        {
            error = Text.Get("The amount is too large.");
            return false;
        }
        error = null;
        return true;
    }

    private static string WithoutCurrency(string s)
    {
        foreach (var mark in new[] { PaymentCurrency.Symbol, PaymentCurrency.Code })
        {
            if (s.StartsWith(mark, StringComparison.OrdinalIgnoreCase)) s = s[mark.Length..].TrimStart();
            if (s.EndsWith(mark, StringComparison.OrdinalIgnoreCase)) s = s[..^mark.Length].TrimEnd();
        }
        return s;
    }

    /// <summary>Digits, optionally grouped by the separator as 1-3 digits then groups of exactly three.</summary>
    private static bool IsWholePart(string whole, string separator, out string digits)
    {
        digits = "";
        if (whole.Length == 0) return false;
        var groups = separator.Length == 0 ? [whole] : whole.Split(separator);
        if (groups.Any(g => g.Length == 0 || !g.All(char.IsAsciiDigit))) return false;
        if (groups.Length > 1 && (groups[0].Length > 3 || groups.Skip(1).Any(g => g.Length != 3))) return false;
        digits = string.Concat(groups);
        return true;
    }

    /// <summary>"12,50" where the culture writes 12.50: the one mistake worth its own message.</summary>
    private static string? OtherDecimalSeparator(string s, NumberFormatInfo format)
    {
        var other = format.NumberDecimalSeparator == "." ? ',' : '.';
        var at = s.LastIndexOf(other);
        if (at <= 0 || s.Length - at - 1 is < 1 or > 2) return null;
        var whole = s[..at];
        var cents = s[(at + 1)..];
        if (!whole.All(char.IsAsciiDigit) || !cents.All(char.IsAsciiDigit)) return null;
        return Text.Format("Use \"{0}\" before the cents: {1}.", format.NumberDecimalSeparator, whole + format.NumberDecimalSeparator + cents.PadRight(2, '0'));
    }
}
