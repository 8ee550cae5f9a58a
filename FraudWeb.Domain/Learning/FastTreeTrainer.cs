using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace FraudWeb.Domain.Learning;

/// <summary>
/// Trains ML.NET's <c>BinaryClassification.Trainers.FastTree</c> on a <see cref="Dataset"/>: the product's only learner
/// (docs/decisions/0006). The data reaches ML.NET as an in-memory view of the feature arrays; rows ML.NET would drop
/// silently (a missing or infinite feature) are refused with an error naming them.
/// </summary>
public static class FastTreeTrainer
{
    /// <summary>Trains on <paramref name="train"/>; <paramref name="validation"/> drives early stopping when given.</summary>
    public static FastTreeModel Train(Dataset train, BoostedTreesOptions options, Dataset? validation = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckRows(train, nameof(train));
        int positives = train.Labels.Count(l => l == 1);
        if (positives == 0 || positives == train.Rows)
            throw new ArgumentException("Training data needs positive (1) and negative (0) labels.", nameof(train));
        if (validation is not null)
        {
            if (validation.Columns != train.Columns || !validation.FeatureNames.SequenceEqual(train.FeatureNames, StringComparer.Ordinal))
                throw new ArgumentException("The validation set must have the training set's feature names in the same order.", nameof(validation));
            CheckRows(validation, nameof(validation));
        }
        else if (options.EarlyStoppingTolerance > 0)
        {
            throw new ArgumentException("Early stopping needs a validation set.", nameof(validation));
        }

        var ml = new MLContext(options.Seed);
        if (TimingsRequested && progress is not null)
        {
            // ML.NET's own per-phase timing table, printed at the end of training (FRAUDWEB_TRAINING_TIMINGS=1).
            ml.Log += (_, e) =>
            {
                if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info && e.RawMessage.Contains("time", StringComparison.OrdinalIgnoreCase)) progress.Report(e.RawMessage);
            };
        }
        bool weighted = train.Weights is not null || options.PositiveClassWeight != 1;
        var trainView = View(train, weighted, options.PositiveClassWeight);
        var mlOptions = ToMlNet(options, weighted);
        mlOptions.ExecutionTime = TimingsRequested;
        var trainer = ml.BinaryClassification.Trainers.FastTree(mlOptions);
        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"ML.NET FastTree: {train.Rows} rows x {train.Columns} features, {options.NumberOfTrees} trees x {options.NumberOfLeaves} leaves, learning rate {options.LearningRate}"));
        var transformer = validation is null
            ? trainer.Fit(trainView)
            : trainer.Fit(trainView, View(validation, weighted, options.PositiveClassWeight));

        var (ensemble, _) = FastTreeModel.Unwrap(transformer);
        if (ensemble.Trees.Count < options.NumberOfTrees)
            progress?.Report(validation is null
                ? string.Create(CultureInfo.InvariantCulture, $"only {ensemble.Trees.Count} of {options.NumberOfTrees} trees could be grown (no split left with enough rows per leaf)")
                : string.Create(CultureInfo.InvariantCulture, $"early stop: {ensemble.Trees.Count} of {options.NumberOfTrees} trees kept"));
        var covers = Covers(ensemble, train);
        return FastTreeModel.Create(ml, transformer, FeatureMatrixDataView.BuildSchema(train.Columns), [.. train.FeatureNames], covers);
    }

    private static bool TimingsRequested => Environment.GetEnvironmentVariable("FRAUDWEB_TRAINING_TIMINGS") == "1";

    /// <summary>Our flags as ML.NET's options, one to one.</summary>
    internal static FastTreeBinaryTrainer.Options ToMlNet(BoostedTreesOptions options, bool weighted)
    {
        var result = new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = FeatureMatrixDataView.LabelColumn,
            FeatureColumnName = FeatureMatrixDataView.FeaturesColumn,
            ExampleWeightColumnName = weighted ? FeatureMatrixDataView.WeightColumn : null,
            NumberOfTrees = options.NumberOfTrees,
            NumberOfLeaves = options.NumberOfLeaves,
            MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf,
            LearningRate = options.LearningRate,
            MaximumBinCountPerFeature = options.MaximumBinCountPerFeature,
            FeatureFraction = options.FeatureFraction,
            // A new bag for every tree, of this share of the rows.
            BaggingSize = options.BaggingFraction < 1 ? 1 : 0,
            BaggingExampleFraction = options.BaggingFraction,
            NumberOfThreads = options.Threads,
            Seed = options.Seed,
            FeatureSelectionSeed = options.Seed,
            MaximumTreeOutput = options.MaximumTreeOutput,
            SparsifyThreshold = options.SparsifyThreshold,
            MemoryStatistics = false,
        };
        if (options.EarlyStoppingTolerance > 0) result.EarlyStoppingRule = new TolerantEarlyStoppingRule((float)options.EarlyStoppingTolerance);
        return result;
    }

    private static FeatureMatrixDataView View(Dataset data, bool weighted, double positiveClassWeight)
    {
        float[]? weights = null;
        if (weighted)
        {
            weights = new float[data.Rows];
            for (int r = 0; r < data.Rows; r++)
                weights[r] = (float)((data.Weights?[r] ?? 1f) * (data.Labels[r] == 1 ? positiveClassWeight : 1.0));
        }
        return new FeatureMatrixDataView(data.Features, data.Rows, data.Columns, data.Labels, weights);
    }

    /// <summary>Labels 0/1, weights finite and not negative, every feature finite: ML.NET would otherwise drop or misread the row.</summary>
    private static void CheckRows(Dataset data, string name)
    {
        if (data.Rows < 1) throw new ArgumentException($"The {name} set has no rows.", name);
        for (int r = 0; r < data.Rows; r++)
        {
            float label = data.Labels[r];
            if (label != 0 && label != 1)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {name} set's label at row {r} is {label}; labels must be 0 or 1."), name);
            if (data.Weights is { } w && (!float.IsFinite(w[r]) || w[r] < 0))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {name} set's weight at row {r} is {w[r]}; weights must be finite and not negative."), name);
            var row = data.Row(r);
            for (int c = 0; c < row.Length; c++)
            {
                if (!float.IsFinite(row[c]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"The {name} set's row {r} has {row[c]} for feature '{data.FeatureNames[c]}'; ML.NET drops such rows silently, so every feature must be a finite number."), name);
            }
        }
    }

    /// <summary>
    /// TreeSHAP's node covers: how many training rows reach each node and leaf, found by routing every row through
    /// ML.NET's trees once (ML.NET does not keep them). An unreached leaf gets a negligible cover so the tree stays valid.
    /// </summary>
    internal static List<(double[] Nodes, double[] Leaves)> Covers(RegressionTreeEnsemble ensemble, Dataset data)
    {
        var covers = new (double[], double[])[ensemble.Trees.Count];
        // Trees are independent: one per task (a tree's walk over every row is the unit of work).
        Parallel.For(0, covers.Length, t => covers[t] = CoversOf(ensemble.Trees[t], data));
        return [.. covers];
    }

    private static (double[] Nodes, double[] Leaves) CoversOf(Microsoft.ML.Trainers.FastTree.RegressionTree tree, Dataset data)
    {
        int nodes = tree.NumberOfNodes;
        var features = tree.NumericalSplitFeatureIndexes.ToArray();
        var thresholds = tree.NumericalSplitThresholds.ToArray();
        var left = tree.LeftChild.ToArray();
        var right = tree.RightChild.ToArray();
        var leafCounts = new long[tree.NumberOfLeaves];
        if (nodes == 0)
        {
            leafCounts[0] = data.Rows;
        }
        else
        {
            var x = data.Features;
            int width = data.Columns;
            for (int r = 0, offset = 0; r < data.Rows; r++, offset += width)
            {
                int node = 0;
                while (node >= 0) node = x[offset + features[node]] <= thresholds[node] ? left[node] : right[node];
                leafCounts[~node]++;
            }
        }
        var leafCovers = Array.ConvertAll(leafCounts, c => c > 0 ? c : 1e-6);
        var nodeCovers = new double[nodes];
        // Children have larger indices than their parents, so a backward pass sums each subtree.
        for (int n = nodes - 1; n >= 0; n--)
        {
            nodeCovers[n] = CoverOf(left[n]) + CoverOf(right[n]);
        }
        return (nodeCovers, leafCovers);

        double CoverOf(int child) => child >= 0 ? nodeCovers[child] : leafCovers[~child];
    }
}
