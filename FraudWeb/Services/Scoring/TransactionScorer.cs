using System.Diagnostics;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// Scores one submitted payment: features from the card's and terminal's stored history, the serving model's
/// probability and explanation, the risk policy's decision; then stores the transaction, its verdict and the card's
/// new balance in one database transaction.
/// </summary>
public sealed partial class TransactionScorer(
    FraudDbContext db,
    IServingModel servingModel,
    PaymentFeatures paymentFeatures,
    RiskPolicy policy,
    IOptions<ScoringOptions> options,
    TimeProvider clock,
    ILogger<TransactionScorer> logger)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Scores and records; the card must already be checked to belong to the caller.</summary>
    public async Task<CardTransaction> ScoreAndRecordAsync(Card card, Terminal terminal, decimal amount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(terminal);
        var snapshot = servingModel.Current ?? throw new ScorerUnavailableException();
        var now = clock.GetUtcNow().UtcDateTime;
        if (card.IsExpired(now)) throw new DomainException("This card has expired.");
        var transaction = CardTransaction.Submit(card, terminal.Id, amount, now);

        var stopwatch = Stopwatch.StartNew();
        var names = snapshot.Model.FeatureNames;
        var features = new float[TransactionFeatures.Names.Count];
        // The new payment is later than all stored history, so it takes the largest id for tie-breaking.
        await paymentFeatures.ComputeAsync(new TransactionRecord(long.MaxValue, now, card.Id, terminal.Id, (double)amount, false), features, cancellationToken);
        var probability = snapshot.Model.PredictProbability(features);
        var contributions = new double[names.Count];
        snapshot.Model.Explain(features, contributions);
        var riskScore = RiskPolicy.RiskScore(probability);
        var decision = policy.Decide(riskScore);
        var reasons = TopReasons(names, features, contributions, options.Value.TopReasons);
        stopwatch.Stop();

        var verdict = new Verdict(riskScore, decision, snapshot.Version, JsonSerializer.Serialize(reasons, JsonOptions),
            stopwatch.Elapsed.TotalMilliseconds, decision == Decision.Declined ? DeclineReasons.HighRisk : null);

        await using var dbTransaction = await db.Database.BeginTransactionAsync(cancellationToken);
        transaction.RecordVerdict(verdict);
        db.Transactions.Add(transaction);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("This card was used by another payment at the same moment. Please try again.");
        }
        await dbTransaction.CommitAsync(cancellationToken);
        LogScored(logger, transaction.Id, transaction.Verdict!.RiskScore, transaction.Verdict.Decision, snapshot.Version, stopwatch.Elapsed.TotalMilliseconds);
        return transaction;
    }

    public static IReadOnlyList<VerdictReason> ReadReasons(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<VerdictReason>>(json, JsonOptions) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The features that moved the score most, strongest first (positive = towards fraud).</summary>
    private static List<VerdictReason> TopReasons(IReadOnlyList<string> names, float[] features, double[] contributions, int count)
    {
        // Related features (e.g. amount and amount ratio) can say the same thing; each sentence is kept once.
        var reasons = new List<VerdictReason>(count);
        foreach (var i in Enumerable.Range(0, contributions.Length).OrderByDescending(i => Math.Abs(contributions[i])))
        {
            var text = ReasonPhrases.Describe(names[i], contributions[i], names, features);
            if (reasons.Exists(r => r.Text == text)) continue;
            reasons.Add(new VerdictReason(names[i], features[i], Math.Round(contributions[i], 4), text));
            if (reasons.Count == count) break;
        }
        return reasons.OrderByDescending(r => r.Contribution).ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scored transaction {TransactionId}: risk {RiskScore}, {Decision}, model {ModelVersion}, {Milliseconds:F1} ms")]
    private static partial void LogScored(ILogger logger, long transactionId, int riskScore, Decision decision, string modelVersion, double milliseconds);
}
