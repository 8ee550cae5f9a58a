namespace FraudWeb.ViewModels.Common;

public static class Paging
{
    /// <summary>The requested page clamped to the pages that exist (1 when there are none).</summary>
    public static int ClampPage(int page, int totalCount, int pageSize) =>
        Math.Clamp(page, 1, Math.Max(1, (totalCount + pageSize - 1) / pageSize));
}

/// <summary>
/// A page of a list read from a cursor (Services.Paging: KeysetCursor, IdCursor, AccountCursor): the cursors of the pages
/// either side (newer / before it, and older / after it), null past that end, and how many rows the whole list holds.
/// </summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, int TotalCount, string? NewerCursor, string? OlderCursor);
