using System.Text;

namespace FraudWeb.Domain.Entities;

/// <summary>
/// A text's length as people and PostgreSQL's varchar(n) count it: in Unicode code points, not .NET's UTF-16 units.
/// A rare Chinese character in a name (U+20BB7 𠮷, say) is one character but two units, so counting units refused
/// names the database would hold and let a one-character name pass a two-character minimum.
/// </summary>
public static class TextLength
{
    public static int Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = 0;
        foreach (var _ in text.EnumerateRunes()) length++;
        return length;
    }

    /// <summary>The characters that show: <see cref="Of"/> without format characters such as U+200B (zero width).</summary>
    public static int Visible(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != System.Globalization.UnicodeCategory.Format) length++;
        }
        return length;
    }

    /// <summary>
    /// At most <paramref name="maxLength"/> UTF-16 units of <paramref name="text"/>, never half of a character outside
    /// the Basic Multilingual Plane (an emoji): a lone surrogate is not text, and .NET's normalisation throws on it.
    /// </summary>
    public static string Prefix(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= maxLength) return text;
        return char.IsHighSurrogate(text[maxLength - 1]) ? text[..(maxLength - 1)] : text[..maxLength];
    }

    /// <summary>The text with any lone surrogate (half a character, from a client that cut one) replaced by U+FFFD.</summary>
    public static string WellFormed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            return string.Create(text.Length, text, static (span, source) =>
            {
                source.AsSpan().CopyTo(span);
                for (var j = 0; j < span.Length; j++)
                {
                    if (!char.IsSurrogate(span[j])) continue;
                    if (char.IsHighSurrogate(span[j]) && j + 1 < span.Length && char.IsLowSurrogate(span[j + 1])) j++;
                    else span[j] = '\uFFFD';
                }
            });
        }
        return text;
    }
}
