using Microsoft.ML.Trainers.FastTree;

namespace FraudWeb.Domain.Learning;

/// <summary>
/// The product's training flags, mapped one to one onto ML.NET's <see cref="FastTreeBinaryTrainer.Options"/> by
/// <see cref="FastTreeTrainer"/>. Defaults are ML.NET FastTree's own (100 trees, 20 leaves, learning rate 0.2).
/// </summary>
public sealed record BoostedTreesOptions
{
    public int NumberOfTrees { get; init; } = 100;
    public int NumberOfLeaves { get; init; } = 20;
    public int MinimumExampleCountPerLeaf { get; init; } = 10;
    public double LearningRate { get; init; } = 0.2;
    public int MaximumBinCountPerFeature { get; init; } = 255;

    /// <summary>Share of the features each tree may split on (ML.NET's FeatureFraction, drawn per tree).</summary>
    public double FeatureFraction { get; init; } = 1.0;

    /// <summary>Share of the training rows each tree is grown on (ML.NET's BaggingExampleFraction with a new bag per tree); 1 = no bagging.</summary>
    public double BaggingFraction { get; init; } = 1.0;

    /// <summary>
    /// Early stopping on a validation set: ML.NET's <see cref="TolerantEarlyStoppingRule"/> stops once the validation
    /// loss is this much worse than its best, and the ensemble is cut back to the best iteration (0 = off).
    /// </summary>
    public double EarlyStoppingTolerance { get; init; }

    /// <summary>Multiplies the weight of positive (fraud) rows (through ML.NET's example-weight column).</summary>
    public double PositiveClassWeight { get; init; } = 1.0;

    /// <summary>
    /// FastTree's training threads. ML.NET fixes this on the process's first training (a static thread pool), so a
    /// later value in the same process has no effect; the CLI and the worker train in their own process.
    /// </summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    public int Seed { get; init; } = 42;

    /// <summary>FastTree's MaximumTreeOutput: bound on a leaf's output.</summary>
    public double MaximumTreeOutput { get; init; } = 100.0;

    /// <summary>
    /// ML.NET's SparsifyThreshold: a feature column with at least this share of zeros is stored sparse during training
    /// (a speed setting; it does not change the trees).
    /// </summary>
    public double SparsifyThreshold { get; init; } = 0.7;

    internal void Validate()
    {
        Require(NumberOfTrees >= 1, nameof(NumberOfTrees), "must be at least 1");
        Require(NumberOfLeaves >= 2, nameof(NumberOfLeaves), "must be at least 2");
        Require(MinimumExampleCountPerLeaf >= 1, nameof(MinimumExampleCountPerLeaf), "must be at least 1");
        Require(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), "must be a positive number");
        Require(MaximumBinCountPerFeature >= 2, nameof(MaximumBinCountPerFeature), "must be at least 2");
        Require(FeatureFraction is > 0 and <= 1, nameof(FeatureFraction), "must be in (0, 1]");
        Require(BaggingFraction is > 0 and <= 1, nameof(BaggingFraction), "must be in (0, 1]");
        Require(double.IsFinite(EarlyStoppingTolerance) && EarlyStoppingTolerance >= 0, nameof(EarlyStoppingTolerance), "must not be negative");
        Require(double.IsFinite(PositiveClassWeight) && PositiveClassWeight > 0, nameof(PositiveClassWeight), "must be a positive number");
        Require(Threads >= 1, nameof(Threads), "must be at least 1");
        Require(double.IsFinite(MaximumTreeOutput) && MaximumTreeOutput > 0, nameof(MaximumTreeOutput), "must be a positive number");
        Require(SparsifyThreshold is >= 0 and <= 1, nameof(SparsifyThreshold), "must be in [0, 1]");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition) throw new ArgumentException($"BoostedTreesOptions.{name} {rule}.", name);
    }
}
