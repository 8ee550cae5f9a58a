using System.Globalization;

namespace FraudWeb.Domain.Learning;

/// <summary>
/// FastTree's gradient boosting for binary classification: labels -1/+1, sigmoid parameter
/// sigma = 2 x learning rate, trees fit to FastTree's responses by least squares, Newton leaf outputs.
/// </summary>
public static class BoostedTreesTrainer
{
    private const int Block = 16_384;

    /// <summary>Trains on <paramref name="train"/>; <paramref name="validation"/> drives early stopping when given.</summary>
    public static BoostedTreesModel Train(Dataset train, BoostedTreesOptions options, Dataset? validation = null, IProgress<string>? progress = null)
        => Train(train, options, validation, progress, 0);

    /// <param name="responseGroupKeys">Size limit of the response groups' table (0 = default), so tests can turn them off.</param>
    internal static BoostedTreesModel Train(Dataset train, BoostedTreesOptions options, Dataset? validation, IProgress<string>? progress, int responseGroupKeys)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var positive = ReadLabels(train, nameof(train));
        if (validation is not null)
        {
            if (validation.Columns != train.Columns || !validation.FeatureNames.SequenceEqual(train.FeatureNames, StringComparer.Ordinal))
                throw new ArgumentException("The validation set must have the training set's feature names in the same order.", nameof(validation));
            ReadLabels(validation, nameof(validation));
        }
        else if (options.EarlyStoppingRounds > 0)
        {
            throw new ArgumentException("EarlyStoppingRounds needs a validation set.", nameof(validation));
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads };
        int rows = train.Rows;
        double sigma = 2 * options.LearningRate;
        var weights = RowWeights(train, positive, options.PositiveClassWeight, out double positiveWeight, out double totalWeight);
        if (positiveWeight <= 0 || positiveWeight >= totalWeight)
            throw new ArgumentException("Training data needs positive (1) and negative (0) labels with non-zero weight.", nameof(train));

        // Initial score 0 as in FastTree (see docs/decisions/0001): from a 1% prior, Newton leaf steps over
        // tiny hessians overshoot and training diverges.
        const double bias = 0;

        var timings = new TrainingTimings();
        long clock = TrainingTimings.Now();
        var binned = BinnedMatrix.Build(train, options.MaximumBinCountPerFeature, options.BinningSampleRows, options.Seed, parallel);
        timings.Add(TrainingTimings.Binning, clock);
        // λ is given in log-odds units; margin-unit hessians are (2σ)² times larger.
        double l2 = options.TreeFit == TreeFitMethod.SecondOrder ? options.L2Regularization * (2 * sigma) * (2 * sigma) : -1;
        var grower = new TreeGrower(binned, options.NumberOfLeaves, options.MinimumExampleCountPerLeaf, l2, parallel, timings);
        var scores = new double[rows];
        Array.Fill(scores, bias);
        var gradients = new GradPair[rows];
        var inBag = options.BaggingFraction < 1 ? new bool[rows] : null;
        // Out-of-bag rows are not in the leaves' row lists, so bagging computes every row's response.
        bool unitWeights = Array.TrueForAll(weights, w => w == 1);
        var groups = inBag is null ? new ResponseGroups(positive, responseGroupKeys) : null;
        var validationScores = validation is null ? null : new double[validation.Rows];
        if (validationScores is not null) Array.Fill(validationScores, bias);

        var trees = new List<RegressionTree>(options.NumberOfTrees);
        int bestIteration = -1;
        double bestLoss = double.PositiveInfinity;
        for (int t = 0; t < options.NumberOfTrees; t++)
        {
            clock = TrainingTimings.Now();
            if (groups is { Active: true }) groups.ComputeGradients(positive, weights, unitWeights, scores, gradients, sigma, parallel);
            else ComputeGradients(positive, weights, scores, gradients, sigma, parallel);
            timings.Add(TrainingTimings.Gradients, clock);
            int bagCount = SelectBag(grower.BagRows, inBag, options, t);
            var features = SelectFeatures(train.Columns, options, t);
            var tree = grower.Grow(gradients, bagCount, inBag is null, features, options.LearningRate, options.MaximumTreeOutput);
            clock = TrainingTimings.Now();
            if (groups is { Active: true }) groups.UpdateScores(grower.BagRows, grower.LeafStarts, grower.LeafCounts, tree.LeafValue, scores, parallel);
            // Groups that just outgrew their table left the scores to the plain update.
            if (groups is not { Active: true }) UpdateScores(tree, grower, binned, scores, inBag, parallel);
            timings.Add(TrainingTimings.ScoreUpdate, clock);
            trees.Add(tree);

            if (validation is not null && validationScores is not null)
            {
                double loss = UpdateValidation(tree, validation, validationScores, sigma, parallel);
                if (loss < bestLoss)
                {
                    bestLoss = loss;
                    bestIteration = t;
                }
                if ((t + 1) % 10 == 0 || t + 1 == options.NumberOfTrees)
                    progress?.Report(string.Create(CultureInfo.InvariantCulture, $"tree {t + 1}/{options.NumberOfTrees}: validation log-loss {loss:F6}"));
                if (options.EarlyStoppingRounds > 0 && t - bestIteration >= options.EarlyStoppingRounds)
                {
                    progress?.Report(string.Create(CultureInfo.InvariantCulture, $"early stop at tree {t + 1}: best was tree {bestIteration + 1} (log-loss {bestLoss:F6})"));
                    break;
                }
            }
            else if ((t + 1) % 10 == 0 || t + 1 == options.NumberOfTrees)
            {
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"tree {t + 1}/{options.NumberOfTrees}"));
            }
        }
        if (TrainingTimings.Requested) progress?.Report(timings.ToString());
        if (options.EarlyStoppingRounds > 0 && bestIteration + 1 < trees.Count)
            trees.RemoveRange(bestIteration + 1, trees.Count - bestIteration - 1);
        return new BoostedTreesModel(train.FeatureNames.ToArray(), sigma, bias, trees);
    }

    private static bool[] ReadLabels(Dataset data, string name)
    {
        if (data.Rows < 1) throw new ArgumentException($"The {name} set has no rows.", name);
        var positive = new bool[data.Rows];
        for (int r = 0; r < data.Rows; r++)
        {
            float label = data.Labels[r];
            if (label != 0 && label != 1)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {name} set's label at row {r} is {label}; labels must be 0 or 1."), name);
            positive[r] = label == 1;
        }
        if (data.Weights is { } weights)
        {
            for (int r = 0; r < weights.Length; r++)
            {
                if (!float.IsFinite(weights[r]) || weights[r] < 0)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {name} set's weight at row {r} is {weights[r]}; weights must be finite and not negative."), name);
            }
        }
        return positive;
    }

    private static double[] RowWeights(Dataset data, bool[] positive, double positiveClassWeight, out double positiveWeight, out double totalWeight)
    {
        var weights = new double[data.Rows];
        positiveWeight = 0;
        totalWeight = 0;
        for (int r = 0; r < weights.Length; r++)
        {
            double w = (data.Weights?[r] ?? 1.0) * (positive[r] ? positiveClassWeight : 1.0);
            weights[r] = w;
            totalWeight += w;
            if (positive[r]) positiveWeight += w;
        }
        return weights;
    }

    /// <summary>FastTree's binary objective: response 2yσ/(1+exp(2yσs)), hessian |r|(2σ-|r|), both times the row weight.</summary>
    internal static void ComputeGradients(bool[] positive, double[] weights, double[] scores, GradPair[] gradients, double sigma, ParallelOptions parallel)
    {
        int rows = scores.Length;
        Parallel.For(0, (rows + Block - 1) / Block, parallel, block =>
        {
            int end = Math.Min(rows, (block + 1) * Block);
            for (int r = block * Block; r < end; r++)
            {
                double twoYSigma = positive[r] ? 2 * sigma : -2 * sigma;
                double response = twoYSigma / (1 + Math.Exp(twoYSigma * scores[r]));
                double abs = Math.Abs(response);
                gradients[r] = new GradPair((float)(response * weights[r]), (float)(abs * (2 * sigma - abs) * weights[r]));
            }
        });
    }

    /// <summary>Seeded per-tree row sample; returns how many rows are in the bag.</summary>
    private static int SelectBag(int[] bag, bool[]? inBag, BoostedTreesOptions options, int tree)
    {
        int rows = bag.Length;
        if (inBag is not null)
        {
            int count = 0;
            for (int r = 0; r < rows; r++)
            {
                bool taken = SplitMix.Uniform(options.Seed, 2 * tree, r) < options.BaggingFraction;
                inBag[r] = taken;
                if (taken) bag[count++] = r;
            }
            if (count > 0) return count;
            Array.Fill(inBag, true);
        }
        for (int r = 0; r < rows; r++) bag[r] = r;
        return rows;
    }

    /// <summary>Seeded per-tree feature subset (at least one feature), in ascending order.</summary>
    private static int[] SelectFeatures(int columns, BoostedTreesOptions options, int tree)
    {
        var all = new int[columns];
        for (int f = 0; f < columns; f++) all[f] = f;
        if (options.FeatureFraction >= 1) return all;
        int take = Math.Clamp((int)Math.Round(options.FeatureFraction * columns), 1, columns);
        for (int i = 0; i < take; i++)
        {
            int j = i + (int)(SplitMix.Uniform(options.Seed, 2 * tree + 1, i) * (columns - i));
            (all[i], all[j]) = (all[j], all[i]);
        }
        var chosen = all.AsSpan(0, take).ToArray();
        Array.Sort(chosen);
        return chosen;
    }

    private static void UpdateScores(RegressionTree tree, TreeGrower grower, BinnedMatrix binned, double[] scores, bool[]? inBag, ParallelOptions parallel)
    {
        // Leaves hold contiguous ranges of the bag's rows: each block of positions adds the values of the
        // leaves it overlaps (no two blocks touch the same row).
        var rowsByLeaf = grower.BagRows;
        var starts = grower.LeafStarts;
        var counts = grower.LeafCounts;
        int bagged = 0;
        for (int leaf = 0; leaf < tree.LeafCount; leaf++) bagged = Math.Max(bagged, starts[leaf] + counts[leaf]);
        Parallel.For(0, (bagged + Block - 1) / Block, parallel, block =>
        {
            for (int leaf = 0; leaf < tree.LeafCount; leaf++)
            {
                int lo = Math.Max(block * Block, starts[leaf]), hi = Math.Min((block + 1) * Block, starts[leaf] + counts[leaf]);
                double value = tree.LeafValue[leaf];
                for (int i = lo; i < hi; i++) scores[rowsByLeaf[i]] += value;
            }
        });
        if (inBag is null) return;

        // Out-of-bag rows follow the tree on their bins.
        var nodeBins = grower.NodeBins.ToArray();
        int rows = scores.Length;
        Parallel.For(0, (rows + Block - 1) / Block, parallel, block =>
        {
            int end = Math.Min(rows, (block + 1) * Block);
            for (int r = block * Block; r < end; r++)
            {
                if (inBag[r]) continue;
                int node = tree.Root;
                while (node >= 0)
                {
                    int f = tree.SplitFeature[node];
                    int b = binned.Columns[f][r];
                    bool left = b <= nodeBins[node] || (tree.DefaultLeft[node] && b == binned.Bins[f].NanBin);
                    node = left ? tree.Left[node] : tree.Right[node];
                }
                scores[r] += tree.LeafValue[~node];
            }
        });
    }

    /// <summary>Adds the tree to the validation scores and returns the mean log-loss.</summary>
    private static double UpdateValidation(RegressionTree tree, Dataset validation, double[] scores, double sigma, ParallelOptions parallel)
    {
        int rows = validation.Rows;
        int blocks = (rows + Block - 1) / Block;
        var partial = new double[blocks];
        Parallel.For(0, blocks, parallel, block =>
        {
            int end = Math.Min(rows, (block + 1) * Block);
            double sum = 0;
            for (int r = block * Block; r < end; r++)
            {
                scores[r] += tree.LeafValue[tree.LeafOf(validation.Row(r))];
                sum += LogLoss(validation.Labels[r] == 1, scores[r], sigma);
            }
            partial[block] = sum;
        });
        double total = 0;
        foreach (double p in partial) total += p;
        return total / rows;
    }

    /// <summary>-log p(label) with p = 1/(1+exp(-2σ margin)), computed without overflow.</summary>
    internal static double LogLoss(bool positive, double margin, double sigma)
    {
        double z = (positive ? 2 : -2) * sigma * margin;
        return z > 0 ? Math.Log(1 + Math.Exp(-z)) : -z + Math.Log(1 + Math.Exp(z));
    }
}
