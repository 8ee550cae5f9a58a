using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Rules;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Models;
using LinqKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Rules;

/// <summary>
/// What a rule would have matched among the stored payments of the last N days: each payment's features as the model
/// saw them (batch features over the period and its look-back, the same definitions as online scoring), its
/// attributes, its recorded risk score (the serving model's for history that was never scored live) and today's lists.
/// Only the rule's own condition is tested, not the order of the other rules.
/// </summary>
public sealed class RuleBacktester(FraudDbContext db, IServingModel servingModel, IOptions<ScoringOptions> scoring)
{
    public const int MaxDays = 90;

    public async Task<BacktestFigures> RunAsync(RuleExpression rule, RuleLists lists, DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(lists);
        var featureOptions = scoring.Value.Features();
        var start = fromUtc - TransactionFeatures.TerminalLookback(featureOptions);
        var rows = await db.Transactions.AsNoTracking()
            .Where(t => t.TimestampUtc > start && t.TimestampUtc <= toUtc)
            .OrderBy(t => t.TimestampUtc).ThenBy(t => t.Id)
            .Select(t => new Row(t.Id, t.TimestampUtc, t.CardId, t.TerminalId, t.Amount, t.Label, t.Verdict == null ? null : t.Verdict.RiskScore, PaymentStatusRule.CountsAsSpend.Invoke(t), t.LabelledUtc))
            .ToListAsync(cancellationToken);
        var cardIds = rows.Select(r => r.CardId).Distinct().ToList();
        var cards = await db.Cards.AsNoTracking().Where(c => cardIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Fingerprint, c.Brand, c.AddedUtc })
            .ToDictionaryAsync(c => c.Id, cancellationToken);
        var terminals = await db.Terminals.AsNoTracking().Select(t => new { t.Id, t.Name, t.Category }).ToDictionaryAsync(t => t.Id, cancellationToken);
        var model = servingModel.Current?.Model;

        // A thread of its own, as a retraining has: a backtest over months of payments is seconds of work.
        return await Task.Factory.StartNew(() =>
        {
            // The features each payment had when it was scored: a fraud counts at its terminal from its confirmation on.
            var records = rows.ConvertAll(r => new TransactionRecord(r.Id, r.TimestampUtc, r.CardId, r.TerminalId, (double)r.Amount, r.Label == FraudLabel.Fraud, r.CountsAsSpend,
                r.Label == FraudLabel.Fraud ? r.LabelledUtc : null));
            var features = TransactionFeatures.ComputeBatch(records, featureOptions);
            var width = TransactionFeatures.Names.Count;
            var input = new RuleInput { Features = new float[width], Lists = lists };
            int evaluated = 0, matched = 0, matchedFraud = 0, matchedLegitimate = 0, fraudInPeriod = 0;
            decimal matchedAmount = 0, fraudAmount = 0, legitimateAmount = 0;
            var sample = new Queue<long>();
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                if (row.TimestampUtc <= fromUtc) continue;
                cancellationToken.ThrowIfCancellationRequested();
                evaluated++;
                if (row.Label == FraudLabel.Fraud) fraudInPeriod++;
                var vector = features.AsSpan(i * width, width);
                vector.CopyTo(input.Features);
                var card = cards.GetValueOrDefault(row.CardId);
                var terminal = terminals.GetValueOrDefault(row.TerminalId);
                input.Amount = (double)row.Amount;
                input.MerchantId = row.TerminalId;
                input.MerchantName = terminal?.Name ?? "";
                input.MerchantCategory = terminal?.Category ?? "";
                input.CardBrand = card?.Brand.ToString() ?? "";
                input.CardFingerprint = card?.Fingerprint ?? "";
                input.CardAgeDays = card is null ? 0 : (row.TimestampUtc - card.AddedUtc).TotalDays;
                input.Hour = featureOptions.ToLocal(row.TimestampUtc).Hour;
                input.RiskScore = row.RiskScore ?? (model is null ? 0 : RiskScale.FromProbability(model.PredictProbability(vector)));
                if (!rule.Matches(input)) continue;
                matched++;
                matchedAmount += row.Amount;
                if (row.Label == FraudLabel.Fraud)
                {
                    matchedFraud++;
                    fraudAmount += row.Amount;
                }
                else if (row.Label == FraudLabel.Legitimate)
                {
                    matchedLegitimate++;
                    legitimateAmount += row.Amount;
                }
                sample.Enqueue(row.Id);
                if (sample.Count > RuleBacktest.SampleSize) sample.Dequeue();
            }
            return new BacktestFigures(evaluated, matched, matchedFraud, matchedLegitimate, matchedAmount, fraudAmount, legitimateAmount,
                fraudInPeriod, sample.Reverse().ToArray());
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private sealed record Row(long Id, DateTime TimestampUtc, long CardId, long TerminalId, decimal Amount, FraudLabel Label, int? RiskScore, bool CountsAsSpend,
        DateTime? LabelledUtc);
}
