using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace FraudWeb.Services.Paging;

/// <summary>
/// The one format of the app's page cursors (the API's payment list, the profile's history): a kind and whole numbers,
/// "kind:1:2" in base64url, opaque to whoever passes them back. Not signed: every list a cursor positions is filtered by
/// its owner, so a cursor made by hand only moves within the caller's own rows; anything this code did not write is refused.
/// </summary>
public static class PageCursor
{
    public static string Encode(string kind, params ReadOnlySpan<long> values)
    {
        var text = new StringBuilder(kind);
        foreach (var value in values) text.Append(':').Append(value.ToString(CultureInfo.InvariantCulture));
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The cursor's kind and numbers (none negative), or null when it is not a cursor this code wrote.</summary>
    public static (string Kind, long[] Values)? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = text.Split(':');
        if (parts.Length < 2 || parts[0].Length == 0) return null;
        var values = new long[parts.Length - 1];
        for (var i = 0; i < values.Length; i++)
        {
            if (!long.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out values[i])) return null;
        }
        return (parts[0], values);
    }
}

/// <summary>
/// A page of a list ordered newest first by (time, id), as a position in it: the rows just older than one row, or just
/// newer. Pages read from a row, not counted from the top, neither repeat nor skip a row when rows arrive between them.
/// </summary>
public readonly record struct KeysetCursor(bool Older, DateTime TimestampUtc, long Id)
{
    private const string OlderKind = "o";
    private const string NewerKind = "n";

    public static KeysetCursor OlderThan(DateTime timestampUtc, long id) => new(true, timestampUtc, id);

    public static KeysetCursor NewerThan(DateTime timestampUtc, long id) => new(false, timestampUtc, id);

    public string Encode() => PageCursor.Encode(Older ? OlderKind : NewerKind, TimestampUtc.Ticks, Id);

    /// <summary>The position, or null for text that is not one (another kind of cursor, a time out of range).</summary>
    public static KeysetCursor? Decode(string? cursor) =>
        PageCursor.Decode(cursor) is ({ } kind and (OlderKind or NewerKind), [var ticks, var id]) && ticks <= DateTime.MaxValue.Ticks
            ? new KeysetCursor(kind == OlderKind, new DateTime(ticks, DateTimeKind.Utc), id)
            : null;
}
