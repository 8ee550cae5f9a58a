using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Infrastructure;
using FraudWeb.Services.Retraining;
using FraudWeb.Services.Scoring;
using FraudWeb.ViewModels.Profile;
using FraudWeb.ViewModels.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Reports;

/// <summary>
/// The analysts' queue: open reports and payments held for review, highest risk first. Deciding labels the
/// transaction (ground truth for retraining) and closes the report in one save.
/// </summary>
public sealed class ReviewService(FraudDbContext db, IOptions<ScoringOptions> scoringOptions, RetrainingSignal signal, TimeProvider clock)
{
    public const int PageSize = 10;
    private const int CardHistoryRows = 10;

    public async Task<ReviewQueueViewModel> GetQueueAsync(int page, CancellationToken cancellationToken)
    {
        // One UNION ALL query, ordered and paged by the database: open reports, and held payments nobody reported.
        var reported = db.FraudReports.AsNoTracking().Where(r => r.Status == ReportStatus.Open)
            .Select(r => new QueueKey
            {
                TransactionId = r.TransactionId,
                ReportId = r.Id,
                Risk = r.Transaction!.Verdict == null ? -1 : r.Transaction.Verdict.RiskScore,
                Since = r.CreatedUtc,
            });
        var held = db.Transactions.AsNoTracking()
            .Where(t => t.Verdict!.Decision == Decision.Review && t.Label == FraudLabel.Unknown
                        && !db.FraudReports.Any(r => r.TransactionId == t.Id && r.Status == ReportStatus.Open))
            .Select(t => new QueueKey { TransactionId = t.Id, ReportId = null, Risk = t.Verdict!.RiskScore, Since = t.TimestampUtc });
        var queue = reported.Concat(held);
        var total = await queue.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        var keys = await queue.OrderByDescending(k => k.Risk).ThenBy(k => k.Since).ThenBy(k => k.TransactionId)
            .Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        var items = new List<ReviewItemViewModel>();
        foreach (var key in keys)
        {
            items.Add(await ItemAsync(key, cancellationToken));
        }
        return new ReviewQueueViewModel(items, page, pages, total);
    }

    /// <summary>
    /// Records the analyst's decision; a clear message when someone else decided first. On a payment held for review
    /// the label also settles it (charged or declined) in the same save, so a payment is charged at most once; fraud
    /// confirmed on a charged payment refunds it in that save too (the card's balance token makes a race retry).
    /// </summary>
    public async Task<Result> DecideAsync(ReviewDecisionViewModel model, string analyst, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var confirm = model.Confirm ?? throw new ArgumentException("Confirm is required.", nameof(model));
        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await DecideOnceAsync(model, confirm, analyst, now, cancellationToken);
                if (result.Succeeded) signal.Wake();
                return result;
            }
            catch (DbUpdateConcurrencyException ex) when (ex.Entries.All(e => e.Entity is Card))
            {
                // Only the card's balance moved (the holder paid meanwhile): no reason to refuse the analyst, so
                // decide again on fresh data. A changed transaction or report is never retried.
                if (attempt == MaxAttempts) return Result.Fail(ErrorCode.Invalid, CardBusy);
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException)
            {
                return Result.Fail(ErrorCode.Invalid, AlreadyDecided);
            }
            catch (DomainException ex) when (ex.Message == CardTransaction.RefundedIsFinal)
            {
                return Result.Fail(ErrorCode.Invalid, ex.Message);
            }
            catch (DomainException)
            {
                return Result.Fail(ErrorCode.Invalid, AlreadyDecided);
            }
        }
    }

    private async Task<Result> DecideOnceAsync(ReviewDecisionViewModel model, bool confirm, string analyst, DateTime now,
        CancellationToken cancellationToken)
    {
        // The card (and whether its account still exists) decides whether a cleared held payment can be charged.
        var transaction = await db.Transactions.Include(t => t.Card).ThenInclude(c => c!.CardHolder)
            .FirstOrDefaultAsync(t => t.Id == model.TransactionId, cancellationToken);
        if (transaction is null) return Result.Fail(ErrorCode.Invalid, "This transaction does not exist.");
        // The tokens the analyst saw: if the payment or the report changed since, the save below fails.
        if (model.TransactionVersion is { } seenTransaction) db.Entry(transaction).Property(t => t.RowVersion).OriginalValue = seenTransaction;
        if (model.ReportId is { } reportId)
        {
            var report = await db.FraudReports.FirstOrDefaultAsync(r => r.Id == reportId && r.TransactionId == transaction.Id, cancellationToken);
            if (report is null) return Result.Fail(ErrorCode.Invalid, "This report does not exist.");
            if (model.ReportVersion is { } seen) db.Entry(report).Property(r => r.RowVersion).OriginalValue = seen;
            report.Decide(confirm, transaction, analyst, now);
        }
        else
        {
            if (transaction.Verdict?.Decision != Decision.Review) return Result.Fail(ErrorCode.Invalid, "This payment is not held for review.");
            if (transaction.Label != FraudLabel.Unknown) return Result.Fail(ErrorCode.Invalid, AlreadyDecided);
            transaction.ApplyLabel(confirm ? FraudLabel.Fraud : FraudLabel.Legitimate, analyst, now);
        }
        // Label, settlement or refund, card balance and report status are written in one save: never half-recorded.
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok;
    }

    private const int MaxAttempts = 3;

    public const string CardBusy = "The card was being used at the same moment; please decide again.";

    public const string AlreadyDecided = "Another analyst has already decided this item; the queue has been refreshed.";

    private async Task<ReviewItemViewModel> ItemAsync(QueueKey key, CancellationToken cancellationToken)
    {
        var tx = await db.Transactions.AsNoTracking().Include(t => t.Card).Include(t => t.Terminal)
            .FirstAsync(t => t.Id == key.TransactionId, cancellationToken);
        var report = key.ReportId is { } id ? await db.FraudReports.AsNoTracking().FirstAsync(r => r.Id == id, cancellationToken) : null;

        // Features are recomputed from the stored history (with today's labels), not stored at scoring time:
        // one code path with the scorer, and no extra column to migrate when the feature set changes.
        var options = new FeatureOptions { LabelDelayDays = scoringOptions.Value.LabelDelayDays };
        var customer = await HistoryAsync(t => t.CardId == tx.CardId, tx.TimestampUtc - TransactionFeatures.CustomerLookback(options), tx, cancellationToken);
        var terminal = await HistoryAsync(t => t.TerminalId == tx.TerminalId, tx.TimestampUtc - TransactionFeatures.TerminalLookback(options), tx, cancellationToken);
        var values = new float[TransactionFeatures.Names.Count];
        TransactionFeatures.ComputeOnline(new TransactionRecord(tx.Id, tx.TimestampUtc, tx.CardId, tx.TerminalId, (double)tx.Amount, false),
            customer, terminal, options, values);
        var features = TransactionFeatures.Names.Select((n, i) => new KeyValuePair<string, float>(n, values[i])).ToList();

        var reasons = TransactionScorer.ReadReasons(tx.Verdict?.ReasonsJson)
            .Select(r => new ReviewReason(r.Feature, r.Value, r.Contribution, r.Text)).ToList();
        var history = await db.Transactions.AsNoTracking()
            .Where(t => t.CardId == tx.CardId && t.Id != tx.Id)
            .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(CardHistoryRows)
            .Select(t => new CardHistoryRow(t.TimestampUtc, t.Terminal!.Name, t.Amount,
                t.Verdict == null ? "Not scored"
                    : t.RefundedUtc != null ? PaymentStatus.Refunded
                    : t.Settlement == ReviewSettlement.Charged ? PaymentStatus.ApprovedAfterReview
                    : t.Settlement == ReviewSettlement.Declined ? PaymentStatus.DeclinedAfterReview
                    : t.Verdict.Decision.ToString(),
                t.Label == FraudLabel.Unknown ? null : t.Label.ToString()))
            .ToListAsync(cancellationToken);
        var card = tx.Card is null ? "" : $"{tx.Card.Brand.DisplayName()} •••• {tx.Card.Last4}";
        return new ReviewItemViewModel(tx.Id, report?.Id, report?.Kind.ToString(), report?.Reason, report?.RowVersion, tx.RowVersion, tx.TimestampUtc,
            card, tx.Terminal?.Name ?? "", tx.Amount, tx.Verdict?.Decision.ToString() ?? "Not scored", tx.Verdict?.RiskScore,
            tx.Verdict?.ModelVersion, reasons, features, history);
    }

    private async Task<List<TransactionRecord>> HistoryAsync(System.Linq.Expressions.Expression<Func<CardTransaction, bool>> filter,
        DateTime from, CardTransaction tx, CancellationToken cancellationToken)
    {
        var rows = await db.Transactions.AsNoTracking().Where(filter)
            .Where(t => t.TimestampUtc >= from && t.TimestampUtc <= tx.TimestampUtc && t.Id != tx.Id)
            .Select(t => new { t.Id, t.TimestampUtc, t.CardId, t.TerminalId, t.Amount, t.Label })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(t => new TransactionRecord(t.Id, t.TimestampUtc, t.CardId, t.TerminalId, (double)t.Amount, t.Label == FraudLabel.Fraud));
    }

    // Settable members, not a positional record: EF Core translates set operations over member-init projections.
    private sealed class QueueKey
    {
        public long TransactionId { get; init; }
        public long? ReportId { get; init; }
        public int Risk { get; init; }
        public DateTime Since { get; init; }
    }
}
