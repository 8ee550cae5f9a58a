using FraudWeb.Cli;
using FraudWeb.Data;
using FraudWeb.Data.Configurations;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Paging;
using FraudWeb.ViewModels.Admin;
using FraudWeb.ViewModels.Common;
using Microsoft.EntityFrameworkCore;
using System.Globalization;

namespace FraudWeb.ViewModelBuilders;

/// <summary>
/// The audit log screen: filters by actor, action, target and dates, newest first. Entries hold user ids only
/// (ADR 0004), so actor emails are looked up here, from the accounts that still exist.
/// </summary>
public sealed class AuditViewModelBuilder(FraudDbContext db, LocalTime time, TimeProvider clock)
{
    public const int PageSize = 25;

    /// <summary>
    /// The count the page shows stops past this many ("more than"): an exact count read every matching entry (PostgreSQL
    /// 60-90 ms at 500,000 entries, bench/README.md), and the log is read by its pages and filters, not by its total.
    /// </summary>
    public const int CountCap = 10_000;

    /// <summary>
    /// How long after its time an entry's transaction has surely ended (committed or rolled back), so that no entry with
    /// a lower id can appear any more (PostgreSQL). Entries are written with the change they describe, in one short
    /// transaction (each statement times out after 15 s); the margin is wide, and costs only a few entries shown twice.
    /// </summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The page of entries <paramref name="at"/> names (null: the newest), with the filters' total. Read from a row
    /// (keyset on the id, which only grows), not counted from the top: a far page cost as much as skipping every entry
    /// before it (27 ms at page 20,000 of 500,000), and entries arriving between pages shifted rows onto the next one.
    /// On PostgreSQL an id is taken before its transaction commits, so an entry can commit after entries with higher ids,
    /// inside the range of a page already read: "Newer" from that page (ids above its newest) never showed it. So there the
    /// newer page starts from the page's newest settled entry (<see cref="SettleTime"/>), showing the unsettled ones again
    /// with any late one among them (docs/decisions/0027). "Older" needs nothing: an entry committed late is a recent one,
    /// which the newest pages show, as they show entries that arrive while someone reads older pages.
    /// </summary>
    public async Task<AuditListViewModel> ListAsync(AuditQueryViewModel query, IdCursor? at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entries = Filtered(query);
        var total = await entries.Take(CountCap + 1).CountAsync(cancellationToken);
        var (rows, newer, older) = await PageAsync(entries, at, cancellationToken);
        var recorded = rows.ConvertAll(r => (Before: RecordedField.Read(r.Entry.Before), After: RecordedField.Read(r.Entry.After)));
        var accountIds = recorded.SelectMany(f => f.Before.Concat(f.After)).Where(f => AccountFields.Contains(f.Name)).Select(f => f.Value).Distinct().ToList();
        var emails = accountIds.Count == 0
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : await db.Users.AsNoTracking().Where(u => accountIds.Contains(u.Id) && u.Email != null)
                .ToDictionaryAsync(u => u.Id, u => u.Email!, StringComparer.Ordinal, cancellationToken);
        var entriesShown = rows.Select((r, i) => new AuditRowViewModel(r.Entry.Id, r.Entry.TimestampUtc, r.ActorEmail ?? ActorName(r.Entry.ActorId),
            r.Entry.Action, r.Entry.TargetType, r.Entry.TargetId, [.. recorded[i].Before.Select(f => Shown(f, emails))],
            [.. recorded[i].After.Select(f => Shown(f, emails))], r.TargetEmail, r.TraceId)).ToList();
        return new AuditListViewModel
        {
            Query = query,
            Entries = new CursorPage<AuditRowViewModel>(entriesShown, total,
                newer ? NewerCursor(rows) : null,
                older ? IdCursor.OlderThan(entriesShown[^1].Id).Encode() : null),
            Actions = AuditActions.All,
        };
    }

    private sealed record Row(AuditEntry Entry, string? ActorEmail, string? TargetEmail, string? TraceId);

    /// <summary>
    /// Where the page of newer entries starts: above the page's newest entry; on PostgreSQL above its newest settled one
    /// (entries are newest first), and when none has settled the newest page itself (an empty cursor: the link without one).
    /// SQLite has one writer at a time, from its insert to its commit, so its ids commit in order.
    /// </summary>
    private string NewerCursor(List<Row> rows)
    {
        if (!db.Database.IsNpgsql()) return IdCursor.NewerThan(rows[0].Entry.Id).Encode();
        var settled = clock.GetUtcNow().UtcDateTime - SettleTime;
        return rows.Find(r => r.Entry.TimestampUtc <= settled) is { } newestSettled ? IdCursor.NewerThan(newestSettled.Entry.Id).Encode() : "";
    }

    /// <summary>
    /// The entries of one page, newest first, and whether there are more either way. Each read takes one entry more
    /// than a page, which says whether there is more that way.
    /// </summary>
    private async Task<(List<Row> Rows, bool Newer, bool Older)> PageAsync(IQueryable<AuditEntry> entries, IdCursor? at, CancellationToken cancellationToken)
    {
        switch (at)
        {
            case { Older: true } from:
            {
                var rows = await WithEmails(entries.Where(e => e.Id < from.Id).OrderByDescending(e => e.Id)).ToListAsync(cancellationToken);
                // Nothing older (a hand-made cursor): the newest page, not an empty one that says "No entries match".
                if (rows.Count == 0) break;
                return (rows[..Math.Min(rows.Count, PageSize)], true, rows.Count > PageSize);
            }
            case { } from:
            {
                // Read upwards from the cursor; the extra entry is the newest, last in this order.
                var rows = await WithEmails(entries.Where(e => e.Id > from.Id).OrderBy(e => e.Id)).ToListAsync(cancellationToken);
                // Up to the newest: the newest page, full (it holds every entry newer than the cursor).
                if (rows.Count <= PageSize) break;
                rows.RemoveAt(PageSize);
                rows.Reverse();
                return (rows, true, true);
            }
        }
        var newest = await WithEmails(entries.OrderByDescending(e => e.Id)).ToListAsync(cancellationToken);
        return (newest[..Math.Min(newest.Count, PageSize)], false, newest.Count > PageSize);
    }

    /// <summary>A page and one entry more, each with its actor's and (for an account) its target's email.</summary>
    private IQueryable<Row> WithEmails(IQueryable<AuditEntry> ordered) => ordered.Take(PageSize + 1).Select(e => new Row(
        e,
        db.Users.Where(u => u.Id == e.ActorId).Select(u => u.Email).FirstOrDefault(),
        // A user target by the address staff know them by (the id stays, for searching).
        e.TargetType == AuditTargets.User ? db.Users.Where(u => u.Id == e.TargetId).Select(u => u.Email).FirstOrDefault() : null,
        EF.Property<string?>(e, AuditEntryConfiguration.TraceId)));

    /// <summary>
    /// The entries the filters select (each filter has an index to answer it: a long log's count and page read the
    /// matching entries, not every entry).
    /// </summary>
    public IQueryable<AuditEntry> Filtered(AuditQueryViewModel query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entries = db.Set<AuditEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var pattern = LikePattern.Containing(query.Actor);
            // Ignoring case on both providers (SQLite's LIKE already does; PostgreSQL's needs ILIKE).
            var actors = db.Database.IsNpgsql()
                ? db.Users.Where(u => u.Email != null && EF.Functions.ILike(u.Email, pattern, LikePattern.Escape))
                : db.Users.Where(u => u.Email != null && EF.Functions.Like(u.Email, pattern, LikePattern.Escape));
            var actorIds = actors.Select(u => u.Id);
            // Or the actor's id, as the page shows it: a deleted account's entries name it by id only (auditor's test:
            // nothing found them, by the old address or the id).
            var actorId = query.Actor.Trim();
            entries = entries.Where(e => actorIds.Contains(e.ActorId) || e.ActorId == actorId);
        }
        if (!string.IsNullOrWhiteSpace(query.Operation)) entries = entries.Where(e => e.Action == query.Operation.Trim());
        if (!string.IsNullOrWhiteSpace(query.Target))
        {
            // A target by its id, or an account's by the address staff know it by (entries keep only the id).
            var target = query.Target.Trim();
            var normalized = target.Normalize().ToUpperInvariant();
            // One account has the address (Identity requires unique ones): compared as a value, PostgreSQL reads both
            // terms from the target index; as a set (IN) it read every entry and filtered them.
            var targetIds = db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id);
            entries = entries.Where(e => e.TargetId == target || (e.TargetType == AuditTargets.User && e.TargetId == targetIds.FirstOrDefault()));
        }
        // The visitor's days, as the rows show their times (a review found the filter on UTC days, the rows local).
        if (query.From is { } from)
        {
            var fromUtc = time.StartOfDayUtc(from);
            entries = entries.Where(e => e.TimestampUtc >= fromUtc);
        }
        // The last possible day has no day after it: no upper bound then (found by the form fuzzer: To=9999-12-31).
        if (query.To is { } to && to < DateOnly.MaxValue && time.StartOfDayUtc(to.AddDays(1)) is var toUtc && toUtc < DateTime.MaxValue)
        {
            entries = entries.Where(e => e.TimestampUtc < toUtc);
        }
        return entries;
    }

    /// <summary>Recorded fields whose values are user ids (an API key's owner and creator, a review's assignee).</summary>
    public static readonly IReadOnlySet<string> AccountFields = new HashSet<string>(StringComparer.Ordinal) { "Owner", "Key created by", "Assignee" };

    /// <summary>
    /// A recorded field as people read it: an account by its email (or what <see cref="ActorName"/> calls it once
    /// deleted), a time recorded in UTC in the visitor's zone and format; anything else as recorded.
    /// </summary>
    private RecordedField Shown(RecordedField field, Dictionary<string, string> emails)
    {
        if (AccountFields.Contains(field.Name) && field.Value != RecordedField.None)
            return field with { Value = emails.TryGetValue(field.Value, out var email) ? email : ActorName(field.Value) };
        if (field.IsUtcTime
            && DateTime.TryParse(field.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var utc))
            return field with { Value = time.FormatSeconds(utc.ToUniversalTime()) };
        return field;
    }

    /// <summary>
    /// An actor who is not an account: the command line (create-admin), the application itself, or a user id whose
    /// account was deleted (the id stays, the person is gone); in the page's language.
    /// </summary>
    public static string ActorName(string actorId)
    {
        ArgumentNullException.ThrowIfNull(actorId);
        return actorId switch
        {
            AdminCli.Verb or MerchantCli.Verb => Text.Get("command line"),
            AuditLog.SystemActor => Text.Get("system"),
            // Identity's user ids are GUIDs; anything else is an actor this screen does not know and is shown as written.
            _ when Guid.TryParse(actorId, out _) => Text.Format("deleted account {0}", actorId),
            _ => actorId,
        };
    }
}
