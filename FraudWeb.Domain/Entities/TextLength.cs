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
}
