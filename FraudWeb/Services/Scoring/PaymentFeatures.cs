using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Infrastructure.Options;
using LinqKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// A payment's features from the stored history of its card and terminal: the one path used to score a new payment
/// and to show an analyst a stored one (recomputed with today's labels rather than stored, so no column to migrate
/// when the feature set changes). The database sums the windows (two one-row queries over the card's and the
/// terminal's index ranges) instead of handing over every row: reading the rows was 39% of a payment's time under load.
/// </summary>
public sealed class PaymentFeatures(FraudDbContext db, IOptions<ScoringOptions> options)
{
    /// <summary>Fills <paramref name="features"/> (length <see cref="TransactionFeatures.Names"/>) for the payment.</summary>
    public async Task ComputeAsync(TransactionRecord payment, float[] features, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(features);
        var card = await CardTotalsAsync(payment, cancellationToken);
        var terminal = await TerminalTotalsAsync(payment, TimeSpan.FromDays(options.Value.LabelDelayDays), cancellationToken);
        TransactionFeatures.ComputeFromTotals(payment, card, terminal, features);
    }

    /// <summary>The card's payments before this one (same time: smaller id) in each customer window, declined attempts left out.</summary>
    private Task<WindowTotals> CardTotalsAsync(TransactionRecord payment, CancellationToken cancellationToken)
    {
        var at = payment.Timestamp;
        return CardTotals(db, payment.CustomerId, at, payment.TransactionId,
            at - TransactionFeatures.CustomerWindow(0), at - TransactionFeatures.CustomerWindow(1), at - TransactionFeatures.CustomerWindow(2), cancellationToken);
    }

    /// <summary>The terminal's payments and known frauds in each window ending at the payment's time minus the label delay.</summary>
    private Task<WindowTotals> TerminalTotalsAsync(TransactionRecord payment, TimeSpan delay, CancellationToken cancellationToken)
    {
        var upper = payment.Timestamp - delay;
        return TerminalTotals(db, payment.TerminalId, upper, payment.TransactionId,
            upper - TransactionFeatures.TerminalWindow(0), upper - TransactionFeatures.TerminalWindow(1), upper - TransactionFeatures.TerminalWindow(2), cancellationToken);
    }

    // Compiled: a query with six aggregates is a large expression tree, and walking it on every payment (cache key,
    // parameters) cost more than running it.
    private static readonly Func<FraudDbContext, long, DateTime, long, DateTime, DateTime, DateTime, CancellationToken, Task<WindowTotals>> CardTotals =
        EF.CompileAsyncQuery((FraudDbContext db, long cardId, DateTime at, long id, DateTime from1, DateTime from7, DateTime from30, CancellationToken cancellationToken) =>
            db.Transactions
                .Where(t => t.CardId == cardId && t.TimestampUtc > from30 && t.Id != id && (t.TimestampUtc < at || (t.TimestampUtc == at && t.Id < id)))
                .Where(t => PaymentStatusRule.CountsAsSpend.Invoke(t))
                .GroupBy(t => 1)
                .Select(g => new WindowTotals(
                    g.Count(t => t.TimestampUtc > from1), g.Count(t => t.TimestampUtc > from7), g.Count(),
                    g.Where(t => t.TimestampUtc > from1).Sum(t => t.Amount), g.Where(t => t.TimestampUtc > from7).Sum(t => t.Amount), g.Sum(t => t.Amount)))
                .FirstOrDefault());

    private static readonly Func<FraudDbContext, long, DateTime, long, DateTime, DateTime, DateTime, CancellationToken, Task<WindowTotals>> TerminalTotals =
        EF.CompileAsyncQuery((FraudDbContext db, long terminalId, DateTime upper, long id, DateTime from1, DateTime from7, DateTime from30, CancellationToken cancellationToken) =>
            db.Transactions
                .Where(t => t.TerminalId == terminalId && t.TimestampUtc > from30 && t.TimestampUtc <= upper && t.Id != id)
                .GroupBy(t => 1)
                .Select(g => new WindowTotals(
                    g.Count(t => t.TimestampUtc > from1), g.Count(t => t.TimestampUtc > from7), g.Count(),
                    g.Count(t => t.TimestampUtc > from1 && t.Label == FraudLabel.Fraud),
                    g.Count(t => t.TimestampUtc > from7 && t.Label == FraudLabel.Fraud),
                    g.Count(t => t.Label == FraudLabel.Fraud)))
                .FirstOrDefault());
}
