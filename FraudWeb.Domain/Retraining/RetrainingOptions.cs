using FraudWeb.Domain.Features;
using FraudWeb.Domain.Learning;

namespace FraudWeb.Domain.Retraining;

public sealed record RetrainingOptions
{
    /// <summary>A transaction older than this with no fraud label is counted as legitimate (nobody reported it).</summary>
    public int MaturityDays { get; init; } = 30;

    /// <summary>How much history (before the moment of retraining) the challenger learns from.</summary>
    public int TrainingDays { get; init; } = 120;

    /// <summary>The most recent matured days, kept out of training to compare champion and challenger.</summary>
    public int HoldoutDays { get; init; } = 7;

    /// <summary>The challenger is promoted unless its AUC or AP on the holdout is worse than the champion's by more than this.</summary>
    public double Tolerance { get; init; } = 0.01;

    /// <summary>The same for card precision@k, which moves in steps of 1/(k x days): one card is 0.0014 at k = 100 over 7 days.</summary>
    public double CardPrecisionTolerance { get; init; } = 0.02;

    /// <summary>Fewer confirmed frauds than this in the training rows: no model is trained.</summary>
    public int MinimumTrainingFrauds { get; init; } = 10;

    /// <summary>Card precision@k on the holdout (the handbook's k = 100; small databases want less).</summary>
    public int CardPrecisionK { get; init; } = 100;

    public BoostedTreesOptions Trainer { get; init; } = new();

    public FeatureOptions Features { get; init; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaturityDays);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(TrainingDays);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HoldoutDays);
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance);
        ArgumentOutOfRangeException.ThrowIfNegative(CardPrecisionTolerance);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CardPrecisionK);
        if (HoldoutDays >= TrainingDays) throw new ArgumentException("HoldoutDays must be shorter than TrainingDays.");
    }
}
