namespace FraudWeb.ViewModels.Common;

/// <summary>
/// A page of a list read from a cursor (Services.Paging: KeysetCursor, IdCursor, AccountCursor; the review queue has its own, QueueCursor): the cursors of the pages
/// either side (newer / before it, and older / after it), null past that end (an empty newer cursor: the newest page, linked
/// without one), and how many rows the whole list holds.
/// </summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, int TotalCount, string? NewerCursor, string? OlderCursor);
