using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Reports;

/// <summary>An item of the analysts' queue: an open report, or a payment held for review that nobody reported.</summary>
// Settable members, not a positional record: EF Core translates set operations over member-init projections.
public sealed class ReviewQueueItem
{
    public long TransactionId { get; init; }
    public long? ReportId { get; init; }
    public int Risk { get; init; }
    public DateTime Since { get; init; }
}

/// <summary>What waits for an analyst, in one place for the queue screen, the staff dashboard and the queue-depth metric.</summary>
/// <remarks>
/// Two parts, each read by itself: at a million payments with 50,000 held and 10,000 reported, one UNION ALL of them
/// read and sorted every item for each page and each count (70-350 ms a query, bench/README.md). Read apart, the held
/// payments come in the queue's order from their own index and a page stops after a page of them (docs/decisions/0029).
/// </remarks>
public static class AwaitingReview
{
    /// <summary>Open reports (each payment has at most one).</summary>
    public static IQueryable<ReviewQueueItem> Reported(FraudDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.FraudReports.AsNoTracking().Where(r => r.Status == ReportStatus.Open)
            .Select(r => new ReviewQueueItem
            {
                TransactionId = r.TransactionId,
                ReportId = r.Id,
                // The payment's risk as the report keeps it, so a page comes from IX_FraudReports_Queue in its order (read
                // from each report's payment, a page read and sorted every open report: 25-55 ms at 10,000 on SQLite).
                Risk = r.Risk,
                Since = r.CreatedUtc,
            });
    }

    /// <summary>
    /// Payments held for review that nobody has labelled or reported, as the partial index IX_Transactions_ReviewQueue
    /// (risk, highest first) and IX_Transactions_AwaitingReview (time) hold them: written as the indexes' filter, which
    /// SQLite needs to see to use a partial index.
    /// </summary>
    public static IQueryable<ReviewQueueItem> Held(FraudDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Transactions.AsNoTracking()
            .Where(t => t.Verdict!.Decision == Decision.Review && t.Label == FraudLabel.Unknown
                        && !db.FraudReports.Any(r => r.TransactionId == t.Id && r.Status == ReportStatus.Open))
            .Select(t => new ReviewQueueItem { TransactionId = t.Id, ReportId = null, Risk = t.Verdict!.RiskScore, Since = t.TimestampUtc });
    }

    /// <summary>Both parts in one query (each payment once), for a question about one payment.</summary>
    public static IQueryable<ReviewQueueItem> Items(FraudDbContext db) => Reported(db).Concat(Held(db));

    /// <summary>How many items wait now (exact: the queue-depth metric), each part counted by itself.</summary>
    public static async Task<int> CountAsync(FraudDbContext db, CancellationToken cancellationToken) =>
        await Reported(db).CountAsync(cancellationToken) + await Held(db).CountAsync(cancellationToken);
}
