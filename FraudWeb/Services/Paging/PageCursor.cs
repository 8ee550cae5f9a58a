using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace FraudWeb.Services.Paging;

/// <summary>
/// The one format of the app's page cursors (the API's payment list, the profile's history, the analysts' review queue, the administrators' lists):
/// a kind and whole numbers, "kind:1:2" in base64url (<see cref="AccountCursor"/>'s value is a text, base64url in
/// turn), opaque to whoever passes them back. Not signed: every list a cursor positions is filtered by its owner or open
/// whole to its reader (the administrators', the analysts' queue), so a cursor made by hand only moves within rows the caller may see; anything
/// this code did not write is refused.
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

/// <summary>
/// A page of a list ordered newest first by an id that only grows (the audit log): the rows just older than one row,
/// or just newer. Pages read from a row neither repeat nor skip a row when rows arrive between them.
/// </summary>
public readonly record struct IdCursor(bool Older, long Id)
{
    private const string OlderKind = "io";
    private const string NewerKind = "in";

    public static IdCursor OlderThan(long id) => new(true, id);

    public static IdCursor NewerThan(long id) => new(false, id);

    public string Encode() => PageCursor.Encode(Older ? OlderKind : NewerKind, Id);

    /// <summary>The position, or null for text that is not one (another kind of cursor, more or fewer numbers).</summary>
    public static IdCursor? Decode(string? cursor) =>
        PageCursor.Decode(cursor) is ({ } kind and (OlderKind or NewerKind), [var id]) ? new IdCursor(kind == OlderKind, id) : null;
}

/// <summary>
/// A page of the analysts' review queue, in its order (highest risk first, then the longest waiting, then the payment's
/// id): the items just after one item, or just before. Pages read from an item, not counted from the top, cost the
/// same however deep, and an item decided by another analyst between two pages shifts no other item onto or off a page.
/// The risk is carried plus one: an item of a payment never scored has risk -1, and the format's numbers are never negative.
/// </summary>
public readonly record struct QueueCursor(bool After, int Risk, DateTime SinceUtc, long TransactionId)
{
    private const string AfterKind = "qa";
    private const string BeforeKind = "qb";

    /// <summary>The highest risk an item has (a score from 0 to 99; -1 for a payment never scored).</summary>
    private const int MaxRisk = 99;

    public static QueueCursor AfterItem(int risk, DateTime sinceUtc, long transactionId) => new(true, risk, sinceUtc, transactionId);

    public static QueueCursor BeforeItem(int risk, DateTime sinceUtc, long transactionId) => new(false, risk, sinceUtc, transactionId);

    public string Encode() => PageCursor.Encode(After ? AfterKind : BeforeKind, Risk + 1, SinceUtc.Ticks, TransactionId);

    /// <summary>The position, or null for text that is not one (another kind of cursor, a risk or time out of range).</summary>
    public static QueueCursor? Decode(string? cursor) =>
        PageCursor.Decode(cursor) is ({ } kind and (AfterKind or BeforeKind), [var risk, var ticks, var id]) && risk <= MaxRisk + 1 && ticks <= DateTime.MaxValue.Ticks
            ? new QueueCursor(kind == AfterKind, (int)risk - 1, new DateTime(ticks, DateTimeKind.Utc), id)
            : null;
}

/// <summary>
/// A page of the administrators' list of accounts (in address order, then id): the rows just after one account, or just
/// before. It carries the account's id only, never its address, which would reach access logs and browser history; the
/// list reads the address back. The id is base64url inside the cursor, so any character may be in it.
/// </summary>
public readonly record struct AccountCursor(bool After, string Id)
{
    private const string AfterKind = "ua";
    private const string BeforeKind = "ub";

    public static AccountCursor AfterRow(string id) => new(true, id);

    public static AccountCursor BeforeRow(string id) => new(false, id);

    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{(After ? AfterKind : BeforeKind)}:{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Id))}"));

    /// <summary>The position, or null for text that is not one.</summary>
    public static AccountCursor? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 1024) return null;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            if (parts is not [AfterKind or BeforeKind, var id]) return null;
            var text = Strict.GetString(Base64Url.DecodeFromChars(id));
            // NUL is text to .NET but not to PostgreSQL, which refuses it in a parameter (a 500).
            return text.Length == 0 || text.Contains('\0', StringComparison.Ordinal) ? null : new AccountCursor(parts[0] == AfterKind, text);
        }
        catch (FormatException)
        {
            return null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    // Strict UTF-8: bytes that are not text are a cursor this code did not write.
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
