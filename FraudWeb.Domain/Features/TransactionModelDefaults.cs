using FraudWeb.Domain.Learning;

namespace FraudWeb.Domain.Features;

/// <summary>
/// Training settings for a fraud model on <see cref="TransactionFeatures"/>: smaller trees and a lower learning rate than
/// FastTree's defaults (20 leaves, 0.2, 100 trees), chosen on validation periods that precede the benchmark's test days
/// (bench/tune.sh). FastTree's defaults overfit the rare frauds of one training week.
/// </summary>
public static class TransactionModelDefaults
{
    public const int NumberOfTrees = 200;
    public const int NumberOfLeaves = 8;
    public const double LearningRate = 0.05;
    public const int MinimumExampleCountPerLeaf = 10;

    public static BoostedTreesOptions Training(int threads) => new()
    {
        NumberOfTrees = NumberOfTrees,
        NumberOfLeaves = NumberOfLeaves,
        LearningRate = LearningRate,
        MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
        Threads = threads,
    };
}
