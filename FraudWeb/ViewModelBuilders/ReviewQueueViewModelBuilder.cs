using FraudWeb.ViewModels.Common;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Services.Paging;
using FraudWeb.Services.Reports;
using FraudWeb.Services.Rules;
using FraudWeb.Services.Scoring;
using FraudWeb.ViewModels.Reports;
using LinqKit;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The analysts' queue: open reports and payments held for review, highest risk first.</summary>
public sealed class ReviewQueueViewModelBuilder(FraudDbContext db, PaymentFeatures paymentFeatures, TimeProvider clock)
{
    public const int PageSize = 10;
    private const int HolderHistoryRows = 10;

    /// <summary>
    /// The queue page <paramref name="at"/> names (null: the first) as <paramref name="analystId"/> sees it, narrowed by
    /// <paramref name="query"/>.
    /// </summary>
    public async Task<ReviewQueueViewModel> QueueAsync(ReviewQueueQuery query, QueueCursor? at, string analystId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // The held payments and the reports, each filtered, counted and paged by the database by itself (AwaitingReview).
        var queue = Parts(query).Select(part => Filtered(part, query, analystId)).ToList();
        var total = await CountUpToAsync(queue, cancellationToken);
        var waitingCount = query.IsFiltered ? await CountUpToAsync([AwaitingReview.Reported(db), AwaitingReview.Held(db)], cancellationToken) : total;
        var (keys, previous, next) = await PageAsync(queue, at, cancellationToken);
        var ids = keys.ConvertAll(k => k.TransactionId);
        var assignees = await db.ReviewAssignments.AsNoTracking().Where(a => ids.Contains(a.TransactionId))
            .Join(db.Users, a => a.AssigneeId, u => u.Id, (a, u) => new { a.TransactionId, a.AssigneeId, u.Email })
            .ToDictionaryAsync(a => a.TransactionId, cancellationToken);
        // Payments made with the analyst's own cards: shown, but neither theirs to decide nor to take.
        var ownCards = await db.Transactions.OwnedBy(analystId).Where(t => ids.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken);
        var items = new List<ReviewItemViewModel>();
        foreach (var key in keys)
        {
            var item = await ItemAsync(key, cancellationToken) with { IsOwnCard = ownCards.Contains(key.TransactionId) };
            items.Add(assignees.TryGetValue(key.TransactionId, out var assignee)
                ? item with { AssignedTo = assignee.Email, AssigneeId = assignee.AssigneeId, IsMine = assignee.AssigneeId == analystId }
                : item);
        }
        return new ReviewQueueViewModel(query, items,
            previous ? QueueCursor.BeforeItem(keys[0].Risk, keys[0].Since, keys[0].TransactionId).Encode() : null,
            next ? QueueCursor.AfterItem(keys[^1].Risk, keys[^1].Since, keys[^1].TransactionId).Encode() : null,
            total, waitingCount);
    }

    /// <summary>
    /// The counts the page shows stop past this many: an exact count reads every item (45,000 held payments, each checked
    /// for an open report: 30-130 ms at a million payments), and no analyst works a queue by its ten-thousands.
    /// </summary>
    public const int CountCap = 1000;

    /// <summary>The items of <paramref name="parts"/>, counted up to one past <see cref="CountCap"/> (shown as "more than").</summary>
    private static async Task<int> CountUpToAsync(IReadOnlyList<IQueryable<ReviewQueueItem>> parts, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var part in parts)
        {
            if (count > CountCap) break;
            count += await part.Take(CountCap + 1 - count).CountAsync(cancellationToken);
        }
        return count;
    }

    /// <summary>The parts of the queue a kind of item can be in: held payments, reports, or both.</summary>
    private IQueryable<ReviewQueueItem>[] Parts(ReviewQueueQuery query) => query.Kind switch
    {
        ReviewQueueQuery.KindHeld or ReviewQueueQuery.KindHeldByRule or ReviewQueueQuery.KindHeldByModel => [AwaitingReview.Held(db)],
        ReviewQueueQuery.KindNotMe or ReviewQueueQuery.KindThisWasMe => [AwaitingReview.Reported(db)],
        _ => [AwaitingReview.Reported(db), AwaitingReview.Held(db)],
    };

    /// <summary>
    /// The items of one page in the queue's order, and whether there are more before and after it. Read from an item
    /// (keyset), not counted from the top: a far page cost as much as sorting and skipping every item before it, and an
    /// item decided between two pages moved every later item up, so one was never shown. Each read takes one item more
    /// than a page, which says whether there is more that way; each part gives its own first ones and the page is the
    /// first of them together (the queue's order is total: risk, time, payment).
    /// </summary>
    private static async Task<(List<ReviewQueueItem> Keys, bool Previous, bool Next)> PageAsync(IReadOnlyList<IQueryable<ReviewQueueItem>> parts, QueueCursor? at,
        CancellationToken cancellationToken)
    {
        if (at is { } from)
        {
            if (from.After)
            {
                var after = await ReadAsync(parts, part => InQueueOrder(After(part, from)), cancellationToken);
                if (after.Count > 0) return (after[..Math.Min(after.Count, PageSize)], true, after.Count > PageSize);
                // Nothing after it (the last page's items decided meanwhile, or a hand-made cursor): the last page.
            }
            // Read backwards from the item; the extra item is the one before the page, last in this order.
            var before = await ReadAsync(parts, part => Before(part, from).OrderBy(k => k.Risk).ThenByDescending(k => k.Since).ThenByDescending(k => k.TransactionId),
                cancellationToken, backwards: true);
            // Up to the first item: the first page, full (it holds every item before the cursor).
            if (before.Count > PageSize)
            {
                before.RemoveAt(PageSize);
                before.Reverse();
                // After it: the cursor's item, or the items after it (none when this is the last page).
                return (before, true, !from.After);
            }
        }
        var first = await ReadAsync(parts, InQueueOrder, cancellationToken);
        return (first[..Math.Min(first.Count, PageSize)], false, first.Count > PageSize);
    }

    /// <summary>A page and one item more from each part, ordered by <paramref name="ordered"/>; the first of them all.</summary>
    private static async Task<List<ReviewQueueItem>> ReadAsync(IReadOnlyList<IQueryable<ReviewQueueItem>> parts,
        Func<IQueryable<ReviewQueueItem>, IOrderedQueryable<ReviewQueueItem>> ordered, CancellationToken cancellationToken, bool backwards = false)
    {
        var items = new List<ReviewQueueItem>();
        foreach (var part in parts) items.AddRange(await ordered(part).Take(PageSize + 1).ToListAsync(cancellationToken));
        items.Sort(QueueOrder);
        if (backwards) items.Reverse();
        return items.Count > PageSize + 1 ? items[..(PageSize + 1)] : items;
    }

    /// <summary>The queue's order (as <see cref="InQueueOrder"/>), for the parts' items together.</summary>
    private static int QueueOrder(ReviewQueueItem x, ReviewQueueItem y)
    {
        var risk = y.Risk.CompareTo(x.Risk);
        if (risk != 0) return risk;
        var since = x.Since.CompareTo(y.Since);
        return since != 0 ? since : x.TransactionId.CompareTo(y.TransactionId);
    }

    /// <summary>The queue's order: highest risk first, then the longest waiting, then the payment (each payment is one item).</summary>
    private static IOrderedQueryable<ReviewQueueItem> InQueueOrder(IQueryable<ReviewQueueItem> items) =>
        items.OrderByDescending(k => k.Risk).ThenBy(k => k.Since).ThenBy(k => k.TransactionId);

    /// <summary>
    /// The items after <paramref name="at"/>'s in the queue's order. The risk's bound alone first: it is what an index
    /// can seek to (the held payments' index is by risk), the rest is checked on the entries from there.
    /// </summary>
    private static IQueryable<ReviewQueueItem> After(IQueryable<ReviewQueueItem> items, QueueCursor at) =>
        items.Where(k => k.Risk <= at.Risk
            && (k.Risk < at.Risk || (k.Risk == at.Risk && (k.Since > at.SinceUtc || (k.Since == at.SinceUtc && k.TransactionId > at.TransactionId)))));

    /// <summary>The items before <paramref name="at"/>'s in the queue's order (the risk's bound first, as <see cref="After"/>).</summary>
    private static IQueryable<ReviewQueueItem> Before(IQueryable<ReviewQueueItem> items, QueueCursor at) =>
        items.Where(k => k.Risk >= at.Risk
            && (k.Risk > at.Risk || (k.Risk == at.Risk && (k.Since < at.SinceUtc || (k.Since == at.SinceUtc && k.TransactionId < at.TransactionId)))));

    /// <summary>The items matching the analyst's filters (each filter a condition on the union, run by the database).</summary>
    private IQueryable<ReviewQueueItem> Filtered(IQueryable<ReviewQueueItem> items, ReviewQueueQuery query, string analystId)
    {
        items = query.Kind switch
        {
            ReviewQueueQuery.KindHeld => items.Where(i => i.ReportId == null),
            // Why it was held: an analysts' rule decided (the payment keeps the rule), or the model's risk did.
            ReviewQueueQuery.KindHeldByRule => items.Where(i => i.ReportId == null && db.Transactions.Any(t => t.Id == i.TransactionId && t.Verdict!.RuleId != null)),
            ReviewQueueQuery.KindHeldByModel => items.Where(i => i.ReportId == null && db.Transactions.Any(t => t.Id == i.TransactionId && t.Verdict!.RuleId == null)),
            ReviewQueueQuery.KindNotMe => items.Where(i => db.FraudReports.Any(r => r.Id == i.ReportId && r.Kind == ReportKind.NotMe)),
            ReviewQueueQuery.KindThisWasMe => items.Where(i => db.FraudReports.Any(r => r.Id == i.ReportId && r.Kind == ReportKind.ThisWasMe)),
            _ => items,
        };
        if (query.MinRisk is { } min) items = items.Where(i => i.Risk >= min);
        if (query.MaxRisk is { } max) items = items.Where(i => i.Risk <= max);
        if (query.Age is { } age && ReviewQueueQuery.Ages.TryGetValue(age, out var span))
        {
            var before = clock.GetUtcNow().UtcDateTime - span;
            items = items.Where(i => i.Since <= before);
        }
        if (query.Search?.Trim() is { Length: > 0 } term)
        {
            if (term.Length == 4 && term.All(char.IsAsciiDigit))
            {
                items = OnCardsEnding(db, items, term);
            }
            else
            {
                // As the payment form finds merchants (case and accents folded, by number or category too): "cafe" found no "Café".
                var merchants = db.Terminals.Matching(term, db).Select(t => t.Id);
                items = items.Where(i => db.Transactions.Any(t => t.Id == i.TransactionId && merchants.Contains(t.TerminalId)));
            }
        }
        items = query.Assigned switch
        {
            ReviewQueueQuery.AssignedToMe => items.Where(i => db.ReviewAssignments.Any(a => a.TransactionId == i.TransactionId && a.AssigneeId == analystId)),
            ReviewQueueQuery.Unassigned => items.Where(i => !db.ReviewAssignments.Any(a => a.TransactionId == i.TransactionId)),
            _ => items,
        };
        return items;
    }

    /// <summary>
    /// The items on cards ending in <paramref name="last4"/>, found from the cards with those digits (their index) to
    /// their payments (the card index). Checked item by item, a search matching nothing read every held payment and its
    /// card: 130-200 ms a query at 50,000 held (bench/README.md).
    /// </summary>
    internal static IQueryable<ReviewQueueItem> OnCardsEnding(FraudDbContext db, IQueryable<ReviewQueueItem> items, string last4)
    {
        var cards = db.Cards.Where(c => c.Last4 == last4).Select(c => c.Id);
        var payments = db.Transactions.Where(t => cards.Contains(t.CardId)).Select(t => t.Id);
        return items.Where(i => payments.Contains(i.TransactionId));
    }

    /// <summary>
    /// The ids of the holder's newest payments but one, latest first, from the card/time index alone. Each card's
    /// newest few bound the time they start from (that card alone has them all from its time on), so the read is a few
    /// index entries a card and a few rows, not every card's whole history sorted (a holder of thousands of cards).
    /// </summary>
    internal static IQueryable<long> HolderHistoryIds(FraudDbContext db, long? holderId, long exceptId)
    {
        var cards = db.Cards.Where(c => c.CardHolderId == holderId);
        return db.Transactions
            .Where(t => t.Card!.CardHolderId == holderId && t.Id != exceptId
                && t.TimestampUtc >= (cards.Max(c => db.Transactions.Where(p => p.CardId == c.Id && p.Id != exceptId)
                    .OrderByDescending(p => p.TimestampUtc).ThenByDescending(p => p.Id).Skip(HolderHistoryRows - 1)
                    .Select(p => (DateTime?)p.TimestampUtc).FirstOrDefault()) ?? NoFloor))
            .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(HolderHistoryRows).Select(t => t.Id);
    }

    /// <summary>No card has a page of payments: all of them, each card having fewer (UTC: PostgreSQL's times are).</summary>
    private static readonly DateTime NoFloor = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);

    private async Task<ReviewItemViewModel> ItemAsync(ReviewQueueItem key, CancellationToken cancellationToken)
    {
        var tx = await db.Transactions.AsNoTracking().Include(t => t.Card).Include(t => t.Terminal)
            .FirstAsync(t => t.Id == key.TransactionId, cancellationToken);
        var report = key.ReportId is { } id ? await db.FraudReports.AsNoTracking().FirstAsync(r => r.Id == id, cancellationToken) : null;

        var values = new float[TransactionFeatures.Names.Count];
        await paymentFeatures.ComputeAsync(new TransactionRecord(tx.Id, tx.TimestampUtc, tx.CardId, tx.TerminalId, (double)tx.Amount, false), values, cancellationToken);
        var features = TransactionFeatures.Names.Select((n, i) => new KeyValuePair<string, float>(n, values[i])).ToList();

        var reasons = TransactionScorer.ReadReasons(tx.Verdict?.ReasonsJson)
            .Select(r => new ReviewReason(r.Feature, r.Value, r.Contribution, ReasonPhrases.Localized(r))).ToList();
        // The holder's other payments on all their cards (a thief often tries a second card): staff see any holder's.
        var ids = HolderHistoryIds(db, tx.Card?.CardHolderId, tx.Id);
        var rows = await db.Transactions.AsNoTracking()
            .Where(t => ids.Contains(t.Id))
            .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id)
            .Select(t => new
            {
                t.TimestampUtc, t.Card!.Brand, t.Card.Last4, Merchant = t.Terminal!.Name, t.Amount,
                Status = PaymentStatusRule.Expression.Invoke(t), t.Label,
            })
            .ToListAsync(cancellationToken);
        var history = rows.ConvertAll(t => new HolderPaymentRow(t.TimestampUtc, CardLabel.Mask(t.Brand, t.Last4), t.Merchant, t.Amount, t.Status,
            t.Label == FraudLabel.Unknown ? null : t.Label.ToString()));
        var card = tx.Card is null ? "" : CardLabel.Mask(tx.Card.Brand, tx.Card.Last4);
        // Whether the holder's account is closed (CardHolder.IsErased), read alone: the item needs no personal details.
        var closed = await db.CardHolders.AnyAsync(h => h.Id == tx.Card!.CardHolderId && h.UserId == null && !h.IsSimulated, cancellationToken);
        return new ReviewItemViewModel(tx.Id, report?.Id, report?.Kind.ToString(), report is null ? null : report.IsReasonErased ? Text.Get(FraudReport.ErasedReason) : report.Reason, report?.RowVersion, tx.RowVersion, tx.TimestampUtc,
            card, tx.Terminal?.Name ?? "", tx.Amount, tx.Status, tx.Verdict?.RiskScore,
            tx.Verdict?.ModelVersion, reasons, features, history, RuleHitPhrases.Localized(tx.Verdict?.DecidedBy))
        {
            CardStoppedAs = tx.Card?.StoppedAs,
            CardStoppedUtc = tx.Card?.StoppedUtc,
            CardId = tx.CardId,
            CardBlockReason = tx.Card?.BlockReason,
            CardBlockNote = closed && tx.Card?.BlockNote == Card.ErasedBlockNote ? Text.Get(Card.ErasedBlockNote) : tx.Card?.BlockNote,
            HolderAccountClosed = closed,
            // Only a staff label (not the simulated history's) given before the report: the holder reports it again.
            EarlierLabel = report is not null && tx.Label != FraudLabel.Unknown && tx.LabelledBy is not null && tx.LabelledBy != CardTransaction.SimulatorLabeller
                && tx.LabelledUtc < report.CreatedUtc ? tx.Label.ToString() : null,
            EarlierLabelledBy = tx.LabelledBy,
            EarlierLabelledUtc = tx.LabelledUtc,
        };
    }
}
