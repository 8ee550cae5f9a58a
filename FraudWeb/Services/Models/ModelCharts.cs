using System.Text.Json;
using FraudWeb.Domain.Evaluation;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Retraining;

namespace FraudWeb.Services.Models;

/// <summary>
/// Chart data of one model, computed on its holdout at training time and stored beside the model
/// (<c>&lt;model file&gt;.charts.json</c>): ROC and precision-recall points, a 20-bucket score histogram per class and
/// the top feature importances.
/// </summary>
public sealed record ModelCharts(
    IReadOnlyList<double[]> Roc,
    IReadOnlyList<double[]> PrecisionRecall,
    IReadOnlyList<int> LegitimateScores,
    IReadOnlyList<int> FraudScores,
    IReadOnlyList<string> ImportanceNames,
    IReadOnlyList<double> ImportanceValues)
{
    private const int Buckets = 20;
    private const int CurvePoints = 100;
    private const int TopFeatures = 15;

    /// <summary>The challenger's charts on the holdout the pipeline scored it on.</summary>
    public static ModelCharts FromHoldout(RetrainingOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var scores = outcome.ChallengerMetrics.Scores.ToArray();
        var truth = outcome.ChallengerMetrics.Truth.ToArray();
        var legitimate = new int[Buckets];
        var fraud = new int[Buckets];
        for (var i = 0; i < scores.Length; i++)
        {
            var bucket = Math.Min(Buckets - 1, (int)(scores[i] * Buckets));
            if (truth[i]) fraud[bucket]++;
            else legitimate[bucket]++;
        }
        // Curves need both classes; a holdout without fraud still gets its histogram.
        var hasBoth = truth.Contains(true) && truth.Contains(false);
        var importance = outcome.Challenger.FeatureImportance();
        var order = Enumerable.Range(0, importance.Length).OrderByDescending(i => importance[i]).Take(TopFeatures).ToList();
        return new ModelCharts(
            hasBoth ? Metrics.RocCurve(scores, truth, CurvePoints).Select(p => new[] { Math.Round(p.X, 4), Math.Round(p.Y, 4) }).ToList() : [],
            hasBoth ? Metrics.PrecisionRecallCurve(scores, truth, CurvePoints).Select(p => new[] { Math.Round(p.X, 4), Math.Round(p.Y, 4) }).ToList() : [],
            legitimate, fraud,
            order.ConvertAll(i => TransactionFeatures.Names[i]), order.ConvertAll(i => Math.Round(importance[i], 2)));
    }
}

/// <summary>Reads and writes <see cref="ModelCharts"/> beside their model (artifact "&lt;model file&gt;.charts.json").</summary>
public sealed class ModelChartsStore(ModelArtifactStore artifacts)
{
    public const string Suffix = ".charts.json";

    public Task WriteAsync(string modelFile, ModelCharts charts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFile);
        ArgumentNullException.ThrowIfNull(charts);
        return artifacts.SaveAsync(modelFile + Suffix, JsonSerializer.SerializeToUtf8Bytes(charts), cancellationToken);
    }

    /// <summary>The model's charts; null when it has none or they are damaged (charts are optional).</summary>
    public async Task<ModelCharts?> ReadAsync(string modelFile, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFile);
        var content = await artifacts.ReadAsync(modelFile + Suffix, cancellationToken);
        if (content is null) return null;
        try
        {
            return JsonSerializer.Deserialize<ModelCharts>(content);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
