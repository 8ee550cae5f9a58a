using System.Linq.Expressions;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Infrastructure.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// A payment's features from the stored history of its card and terminal: the one path used to score a new payment
/// and to show an analyst a stored one (recomputed with today's labels rather than stored, so no column to migrate
/// when the feature set changes).
/// </summary>
public sealed class PaymentFeatures(FraudDbContext db, IOptions<ScoringOptions> options)
{
    /// <summary>Fills <paramref name="features"/> (length <see cref="TransactionFeatures.Names"/>) for the payment.</summary>
    public async Task ComputeAsync(TransactionRecord payment, float[] features, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(features);
        var featureOptions = new FeatureOptions { LabelDelayDays = options.Value.LabelDelayDays };
        var card = await HistoryAsync(t => t.CardId == payment.CustomerId, payment, TransactionFeatures.CustomerLookback(featureOptions), cancellationToken);
        var terminal = await HistoryAsync(t => t.TerminalId == payment.TerminalId, payment, TransactionFeatures.TerminalLookback(featureOptions), cancellationToken);
        TransactionFeatures.ComputeOnline(payment, card, terminal, featureOptions, features);
    }

    /// <summary>Earlier payments in the look-back window, without the payment itself.</summary>
    private async Task<List<TransactionRecord>> HistoryAsync(Expression<Func<CardTransaction, bool>> filter, TransactionRecord payment, TimeSpan lookback,
        CancellationToken cancellationToken)
    {
        var from = payment.Timestamp - lookback;
        var rows = await db.Transactions.AsNoTracking().Where(filter)
            .Where(t => t.TimestampUtc >= from && t.TimestampUtc <= payment.Timestamp && t.Id != payment.TransactionId)
            .Select(t => new { t.Id, t.TimestampUtc, t.CardId, t.TerminalId, t.Amount, t.Label })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(t => new TransactionRecord(t.Id, t.TimestampUtc, t.CardId, t.TerminalId, (double)t.Amount, t.Label == FraudLabel.Fraud));
    }
}
