using System.Diagnostics;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Rules;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Telemetry;
using FraudWeb.Services.Models;
using FraudWeb.Services.Rules;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Scoring;

/// <summary>A scored payment: the model's probability of fraud, the verdict that follows and its reasons.</summary>
public sealed record Prediction(double Probability, Verdict Verdict, IReadOnlyList<VerdictReason> Reasons);

/// <summary>The merchant (terminal) a payment is made at, as rules see it.</summary>
public sealed record PaymentMerchant(long Id, string Name, string Category);

/// <summary>
/// Scores one submitted payment: features from the card's and terminal's stored history, the serving model's
/// probability and explanation, the risk policy's decision, then the analysts' rules and lists
/// (<see cref="RuleBook"/>), which may decide instead of the model. Recording is <see cref="Transactions.PaymentRecorder"/>'s.
/// </summary>
public sealed partial class TransactionScorer(
    IServingModel servingModel,
    PaymentFeatures paymentFeatures,
    RiskPolicy policy,
    RuleBookCache rules,
    IOptions<ScoringOptions> options,
    FraudMetrics metrics,
    ILogger<TransactionScorer> logger)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The verdict for a payment about to be made on <paramref name="card"/> (which must belong to the caller); writes
    /// nothing. Throws <see cref="ScorerUnavailableException"/> when no model is serving.
    /// </summary>
    public async Task<Verdict> ScoreAsync(Card card, PaymentMerchant merchant, decimal amount, DateTime nowUtc, CancellationToken cancellationToken) =>
        (await PredictAsync(card, merchant, amount, nowUtc, cancellationToken)).Verdict;

    /// <summary>
    /// The same, with the model's probability and the reasons as values: what the API's predict answers. A payment at
    /// <paramref name="atUtc"/> sees only the history before it, exactly as if it had been made then.
    /// </summary>
    public async Task<Prediction> PredictAsync(Card card, PaymentMerchant merchant, decimal amount, DateTime atUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(merchant);
        var terminalId = merchant.Id;
        var snapshot = servingModel.Current ?? throw new ScorerUnavailableException();
        using var span = FraudMetrics.ActivitySource.StartActivity("fraudweb.scoring");
        span?.SetTag(FraudMetrics.ModelVersionTag, snapshot.Version);
        var stopwatch = Stopwatch.StartNew();
        var names = snapshot.Model.FeatureNames;
        var features = new float[TransactionFeatures.Names.Count];
        // The new payment is later than all stored history, so it takes the largest id for tie-breaking.
        await paymentFeatures.ComputeAsync(new TransactionRecord(long.MaxValue, atUtc, card.Id, terminalId, (double)amount, false), features, cancellationToken);
        var probability = snapshot.Model.PredictProbability(features);
        var contributions = new double[names.Count];
        snapshot.Model.Explain(features, contributions);
        var riskScore = RiskPolicy.RiskScore(probability);
        var book = await rules.CurrentAsync(cancellationToken);
        var ruled = book.IsEmpty ? new RuleDecision(policy.Decide(riskScore), null)
            : book.Decide(RuleInputOf(card, merchant, amount, options.Value.Features().ToLocal(atUtc), atUtc, features, riskScore), policy.Decide(riskScore));
        var decision = ruled.Decision;
        var reasons = TopReasons(names, features, contributions, options.Value.TopReasons, options.Value.LabelDelayDays);
        stopwatch.Stop();
        metrics.ScoringTook(stopwatch.Elapsed);
        span?.SetTag(FraudMetrics.DecisionTag, FraudMetrics.DecisionName(decision));
        LogScored(logger, card.Id, riskScore, decision, snapshot.Version, stopwatch.Elapsed.TotalMilliseconds);
        var verdict = new Verdict(riskScore, decision, snapshot.Version, JsonSerializer.Serialize(reasons, JsonOptions),
            stopwatch.Elapsed.TotalMilliseconds, decision == Decision.Declined ? DeclineReasons.HighRisk : null)
        {
            RuleId = ruled.DecidedBy?.RuleId,
            DecidedBy = ruled.DecidedBy?.Describe(),
        };
        return new Prediction(probability, verdict, reasons);
    }

    /// <param name="local">The payment's time on the issuer's clock (Scoring:TimeZone): the rules' hour.</param>
    private static RuleInput RuleInputOf(Card card, PaymentMerchant merchant, decimal amount, DateTime local, DateTime atUtc, float[] features, int riskScore) => new()
    {
        Features = features,
        Amount = (double)amount,
        MerchantId = merchant.Id,
        MerchantName = merchant.Name,
        MerchantCategory = merchant.Category,
        CardBrand = card.Brand.ToString(),
        CardFingerprint = card.Fingerprint,
        CardAgeDays = (atUtc - card.AddedUtc).TotalDays,
        Hour = local.Hour,
        RiskScore = riskScore,
    };

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

    /// <summary>
    /// The groups of features that moved the score most (<see cref="ReasonPhrases.GroupOf"/>), each once with its
    /// net contribution, strongest towards fraud first; a group whose features cancel out says nothing.
    /// </summary>
    public static List<VerdictReason> TopReasons(IReadOnlyList<string> names, float[] features, double[] contributions, int count, int labelDelayDays = 7)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(contributions);
        var groups = new Dictionary<string, (double Contribution, double Value, double Strongest)>(StringComparer.Ordinal);
        for (var i = 0; i < contributions.Length && i < names.Count; i++)
        {
            var group = ReasonPhrases.GroupOf(names[i]);
            var (sum, value, strongest) = groups.GetValueOrDefault(group, (0, double.NaN, -1));
            // The group's value shown beside it is its strongest feature's.
            if (Math.Abs(contributions[i]) > strongest) (value, strongest) = (features[i], Math.Abs(contributions[i]));
            groups[group] = (sum + contributions[i], value, strongest);
        }
        return groups.Where(g => Math.Abs(g.Value.Contribution) >= 1e-6)
            .OrderByDescending(g => Math.Abs(g.Value.Contribution)).Take(count)
            .Select(g => new VerdictReason(g.Key, double.IsNaN(g.Value.Value) ? 0 : g.Value.Value, Math.Round(g.Value.Contribution, 4),
                ReasonPhrases.Describe(g.Key, g.Value.Contribution, names, features, labelDelayDays)))
            .OrderByDescending(r => r.Contribution).ToList();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scored a payment on card {CardId}: risk {RiskScore}, {Decision}, model {ModelVersion}, {Milliseconds:F1} ms")]
    private static partial void LogScored(ILogger logger, long cardId, int riskScore, Decision decision, string modelVersion, double milliseconds);
}
