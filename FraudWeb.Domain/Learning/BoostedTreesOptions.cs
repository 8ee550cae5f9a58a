namespace FraudWeb.Domain.Learning;

/// <summary>FastTree's defaults.</summary>
public sealed record BoostedTreesOptions
{
    public int NumberOfTrees { get; init; } = 100;
    public int NumberOfLeaves { get; init; } = 20;
    public int MinimumExampleCountPerLeaf { get; init; } = 10;
    public double LearningRate { get; init; } = 0.2;
    public int MaximumBinCountPerFeature { get; init; } = 255;

    /// <summary>Share of the features each tree may split on (drawn per tree).</summary>
    public double FeatureFraction { get; init; } = 1.0;

    /// <summary>Share of the training rows each tree is grown on (drawn per tree).</summary>
    public double BaggingFraction { get; init; } = 1.0;

    /// <summary>Stop when validation log-loss has not improved for this many trees (0 = off); the best prefix is kept.</summary>
    public int EarlyStoppingRounds { get; init; }

    /// <summary>Multiplies the weight of positive (fraud) rows.</summary>
    public double PositiveClassWeight { get; init; } = 1.0;

    public int Threads { get; init; } = Environment.ProcessorCount;
    public int Seed { get; init; } = 42;

    /// <summary>FastTree's MaxTreeOutput: bound on a leaf's output (after the learning rate).</summary>
    public double MaximumTreeOutput { get; init; } = 100.0;

    /// <summary>Tree fitting: FastTree's by default; SecondOrder is XGBoost-style (see docs/decisions/0001).</summary>
    public TreeFitMethod TreeFit { get; init; } = TreeFitMethod.FastTree;

    /// <summary>L2 term λ of SecondOrder fitting, in log-odds units like XGBoost's reg_lambda (unused by FastTree).</summary>
    public double L2Regularization { get; init; } = 1.0;

    /// <summary>Rows sampled to find bin boundaries on large data (FastTree bins from a sample too).</summary>
    public int BinningSampleRows { get; init; } = 200_000;

    internal void Validate()
    {
        Require(NumberOfTrees >= 1, nameof(NumberOfTrees), "must be at least 1");
        Require(NumberOfLeaves >= 2, nameof(NumberOfLeaves), "must be at least 2");
        Require(MinimumExampleCountPerLeaf >= 1, nameof(MinimumExampleCountPerLeaf), "must be at least 1");
        Require(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), "must be a positive number");
        Require(MaximumBinCountPerFeature is >= 2 and <= 255, nameof(MaximumBinCountPerFeature), "must be between 2 and 255 (bins are stored as bytes)");
        Require(FeatureFraction is > 0 and <= 1, nameof(FeatureFraction), "must be in (0, 1]");
        Require(BaggingFraction is > 0 and <= 1, nameof(BaggingFraction), "must be in (0, 1]");
        Require(EarlyStoppingRounds >= 0, nameof(EarlyStoppingRounds), "must not be negative");
        Require(double.IsFinite(PositiveClassWeight) && PositiveClassWeight > 0, nameof(PositiveClassWeight), "must be a positive number");
        Require(Threads >= 1, nameof(Threads), "must be at least 1");
        Require(double.IsFinite(MaximumTreeOutput) && MaximumTreeOutput > 0, nameof(MaximumTreeOutput), "must be a positive number");
        Require(Enum.IsDefined(TreeFit), nameof(TreeFit), "must be FastTree or SecondOrder");
        Require(double.IsFinite(L2Regularization) && L2Regularization > 0, nameof(L2Regularization), "must be a positive number");
        Require(BinningSampleRows >= 1, nameof(BinningSampleRows), "must be at least 1");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition) throw new ArgumentException($"BoostedTreesOptions.{name} {rule}.", name);
    }
}
