namespace FraudWeb.Domain.Entities;

/// <summary>
/// Unicode's Bidi_Control characters: the explicit marks, embeddings, overrides and isolates. Refused in free text that
/// someone else reads (staff lists, the review queue): an override makes the text after it read backwards ("exe.gpj").
/// </summary>
public static class TextDirection
{
    public static bool IsControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>The text unchanged, or a <see cref="DomainException"/> when it holds a direction control.</summary>
    public static string RefusedIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Any(IsControl)) throw new DomainException("Remove the text-direction control characters.");
        return text;
    }
}
