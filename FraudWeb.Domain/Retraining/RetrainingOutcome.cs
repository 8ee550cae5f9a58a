using FraudWeb.Domain.Learning;

namespace FraudWeb.Domain.Retraining;

/// <summary>Holdout figures of one model. NaN where the holdout cannot tell (a single class).</summary>
public sealed record HoldoutMetrics(double Auc, double AveragePrecision, double CardPrecisionAtK, int Rows, int Frauds)
{
    /// <summary>The model's holdout probabilities and the truth, row by row: for the dashboard's curves.</summary>
    public IReadOnlyList<double> Scores { get; init; } = [];

    public IReadOnlyList<bool> Truth { get; init; } = [];

    public IReadOnlyDictionary<string, double> ToDictionary(string prefix = "") => new Dictionary<string, double>
    {
        [prefix + "auc"] = Auc,
        [prefix + "ap"] = AveragePrecision,
        [prefix + "cp100"] = CardPrecisionAtK,
        [prefix + "rows"] = Rows,
        [prefix + "frauds"] = Frauds,
    };
}

/// <summary>How the training labels were obtained: the figures a model registry shows.</summary>
public sealed record LabelCounts(int ConfirmedFraud, int ConfirmedLegitimate, int MaturedLegitimate, int ExcludedUnlabelled);

public sealed record PromotionDecision(bool Promote, string Reason);

public sealed record RetrainingOutcome(
    FastTreeModel Challenger,
    ModelMetadata Metadata,
    HoldoutMetrics ChallengerMetrics,
    HoldoutMetrics? ChampionMetrics,
    PromotionDecision Decision,
    LabelCounts Labels,
    DateTime TrainingWindowStart,
    DateTime HoldoutStart,
    DateTime HoldoutEnd,
    TimeSpan FeatureTime,
    TimeSpan TrainingTime,
    TimeSpan EvaluationTime);

/// <summary>Retraining could not produce a challenger (too little labelled data); nothing changes.</summary>
public sealed class RetrainingException(string message, bool tooFewExamples = false) : Exception(message)
{
    /// <summary>The history holds too few frauds or legitimate payments to learn from (not a failure of the training itself).</summary>
    public bool TooFewExamples { get; } = tooFewExamples;
}
