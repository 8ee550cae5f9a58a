using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Services.Reports;
using FraudWeb.Services.Scoring;
using FraudWeb.ViewModels.Common;
using FraudWeb.ViewModels.Reports;
using LinqKit;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The analysts' queue: open reports and payments held for review, highest risk first.</summary>
public sealed class ReviewQueueViewModelBuilder(FraudDbContext db, PaymentFeatures paymentFeatures)
{
    public const int PageSize = 10;
    private const int CardHistoryRows = 10;

    public async Task<ReviewQueueViewModel> QueueAsync(int page, CancellationToken cancellationToken)
    {
        // One UNION ALL query, ordered and paged by the database.
        var queue = AwaitingReview.Items(db);
        var total = await queue.CountAsync(cancellationToken);
        page = Paging.ClampPage(page, total, PageSize);
        var keys = await queue.OrderByDescending(k => k.Risk).ThenBy(k => k.Since).ThenBy(k => k.TransactionId)
            .Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        var items = new List<ReviewItemViewModel>();
        foreach (var key in keys)
        {
            items.Add(await ItemAsync(key, cancellationToken));
        }
        return new ReviewQueueViewModel(items, page, Math.Max(1, (total + PageSize - 1) / PageSize), total);
    }

    private async Task<ReviewItemViewModel> ItemAsync(ReviewQueueItem key, CancellationToken cancellationToken)
    {
        var tx = await db.Transactions.AsNoTracking().Include(t => t.Card).Include(t => t.Terminal)
            .FirstAsync(t => t.Id == key.TransactionId, cancellationToken);
        var report = key.ReportId is { } id ? await db.FraudReports.AsNoTracking().FirstAsync(r => r.Id == id, cancellationToken) : null;

        var values = new float[TransactionFeatures.Names.Count];
        await paymentFeatures.ComputeAsync(new TransactionRecord(tx.Id, tx.TimestampUtc, tx.CardId, tx.TerminalId, (double)tx.Amount, false), values, cancellationToken);
        var features = TransactionFeatures.Names.Select((n, i) => new KeyValuePair<string, float>(n, values[i])).ToList();

        var reasons = TransactionScorer.ReadReasons(tx.Verdict?.ReasonsJson)
            .Select(r => new ReviewReason(r.Feature, r.Value, r.Contribution, r.Text)).ToList();
        var history = await db.Transactions.AsNoTracking()
            .Where(t => t.CardId == tx.CardId && t.Id != tx.Id)
            .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(CardHistoryRows)
            .Select(t => new CardHistoryRow(t.TimestampUtc, t.Terminal!.Name, t.Amount, PaymentStatusRule.Expression.Invoke(t),
                t.Label == FraudLabel.Unknown ? null : t.Label.ToString()))
            .ToListAsync(cancellationToken);
        var card = tx.Card is null ? "" : CardNumber.Mask(tx.Card.Brand, tx.Card.Last4);
        return new ReviewItemViewModel(tx.Id, report?.Id, report?.Kind.ToString(), report?.Reason, report?.RowVersion, tx.RowVersion, tx.TimestampUtc,
            card, tx.Terminal?.Name ?? "", tx.Amount, tx.Status, tx.Verdict?.RiskScore,
            tx.Verdict?.ModelVersion, reasons, features, history, tx.Verdict?.DecidedBy);
    }
}
