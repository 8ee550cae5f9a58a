using FraudWeb.Domain.Learning;

namespace FraudWeb.Tests.Domain.Learning;

public class BoostedTreesTrainerTests
{
    private static readonly BoostedTreesOptions Small = new() { NumberOfTrees = 20, Threads = 2 };

    [Fact]
    public void Options_Defaults_AreFastTreeDefaults()
    {
        // Arrange / Act
        var options = new BoostedTreesOptions();

        // Assert
        Assert.Equal(100, options.NumberOfTrees);
        Assert.Equal(20, options.NumberOfLeaves);
        Assert.Equal(10, options.MinimumExampleCountPerLeaf);
        Assert.Equal(0.2, options.LearningRate);
        Assert.Equal(255, options.MaximumBinCountPerFeature);
        Assert.Equal(Environment.ProcessorCount, options.Threads);
    }

    [Fact]
    public void Train_SeparableData_ReachesAucOne()
    {
        // Arrange
        var data = LearningData.Generate(2000, 4, 1, (x, _) => x[0] > 3 && x[1] > 6);

        // Act
        var model = BoostedTreesTrainer.Train(data, new BoostedTreesOptions { Threads = 2 });

        // Assert
        Assert.Equal(1.0, LearningData.Auc(LearningData.Probabilities(model, data), data.Labels));
    }

    [Fact]
    public void Train_LabelIsThresholdOnOneFeature_SplitsBetweenTheNeighbouringValues()
    {
        // Arrange: x takes the values 0.0, 0.1, ..., 9.9; label = x > 3.7.
        int rows = 1000;
        var features = new float[rows * 2];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            float x = (r % 100) / 10f;
            features[r * 2] = r % 7;
            features[r * 2 + 1] = x;
            labels[r] = x > 3.7f ? 1 : 0;
        }
        var data = new Dataset(features, rows, 2, labels, ["noise", "x"]);

        // Act
        var model = BoostedTreesTrainer.Train(data, Small with { NumberOfTrees = 1, NumberOfLeaves = 2 });

        // Assert
        var tree = model.Trees[0];
        Assert.Equal(1, tree.NodeCount);
        Assert.Equal(1, tree.SplitFeature[0]);
        Assert.InRange(tree.Threshold[0], 3.7f, 3.8f);
        Assert.True(tree.Threshold[0] < 3.8f);
        int above = tree.LeafOf([0, 3.8f]), below = tree.LeafOf([0, 3.7f]);
        Assert.NotEqual(above, below);
        Assert.True(tree.LeafValue[above] > 0 && tree.LeafValue[below] < 0);
    }

    [Theory]
    [InlineData(TreeFitMethod.FastTree)]
    [InlineData(TreeFitMethod.SecondOrder)]
    public void Train_FirstTree_HasNewtonLeafOutputsOfFastTreesObjective(TreeFitMethod fit)
    {
        // Arrange: from score 0 every row has p = 1/2, so g = ±sigma and h = sigma² per row.
        var data = LearningData.Generate(600, 1, 19, (x, random) => random.NextDouble() < (x[0] > 5 ? 0.8 : 0.2));
        var options = Small with { NumberOfTrees = 1, NumberOfLeaves = 2, TreeFit = fit, L2Regularization = 2 };

        // Act
        var model = BoostedTreesTrainer.Train(data, options);

        // Assert
        var tree = model.Trees[0];
        double sigma = 2 * options.LearningRate;
        for (int leaf = 0; leaf < 2; leaf++)
        {
            int positives = 0, rows = 0;
            for (int r = 0; r < data.Rows; r++)
            {
                if (tree.LeafOf(data.Row(r)) != leaf) continue;
                rows++;
                if (data.Labels[r] == 1) positives++;
            }
            double g = sigma * (positives - (rows - positives));
            double h = sigma * sigma * rows;
            double lambda = fit == TreeFitMethod.SecondOrder ? 2 * (2 * sigma) * (2 * sigma) : 0;
            // Gradients are stored as floats, so agreement is to about 7 digits.
            Assert.Equal(options.LearningRate * g / (h + lambda), tree.LeafValue[leaf], 1e-6);
        }
    }

    [Fact]
    public void Train_SecondOrderFit_RanksSeparableDataAlmostPerfectly()
    {
        // Arrange
        var data = LearningData.Generate(2000, 3, 20, (x, _) => x[0] > 3 && x[2] < 6);

        // Act
        var model = BoostedTreesTrainer.Train(data, Small with { TreeFit = TreeFitMethod.SecondOrder });

        // Assert: λ shrinks the small corner leaves, so allow a pair or two out of order.
        Assert.True(LearningData.Auc(LearningData.Probabilities(model, data), data.Labels) > 0.9999);
    }

    [Fact]
    public void Train_SameSeed_GivesBitIdenticalModels()
    {
        // Arrange
        var data = LearningData.Noisy(3000, 5, 2);
        var options = Small with { BaggingFraction = 0.7, FeatureFraction = 0.6, Seed = 9 };

        // Act
        var first = LearningData.Save(BoostedTreesTrainer.Train(data, options));
        var second = LearningData.Save(BoostedTreesTrainer.Train(data, options));

        // Assert
        Assert.Equal(first, second);
    }

    [Fact]
    public void Train_DifferentThreadCounts_GiveBitIdenticalModels()
    {
        // Arrange: large enough that histograms are built in parallel.
        var data = LearningData.Noisy(40_000, 5, 3);

        // Act
        var oneThread = LearningData.Save(BoostedTreesTrainer.Train(data, Small with { Threads = 1, NumberOfTrees = 5 }));
        var twoThreads = LearningData.Save(BoostedTreesTrainer.Train(data, Small with { Threads = 2, NumberOfTrees = 5 }));

        // Assert
        Assert.Equal(oneThread, twoThreads);
    }

    [Theory]
    [InlineData(0.7, 1.0)]
    [InlineData(1.0, 0.5)]
    public void Train_DifferentSeedsWithSampling_GiveDifferentModels(double bagging, double featureFraction)
    {
        // Arrange
        var data = LearningData.Noisy(3000, 6, 4);
        var options = Small with { BaggingFraction = bagging, FeatureFraction = featureFraction };

        // Act
        var first = LearningData.Save(BoostedTreesTrainer.Train(data, options with { Seed = 1 }));
        var second = LearningData.Save(BoostedTreesTrainer.Train(data, options with { Seed = 2 }));

        // Assert
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Train_MinimumExamplesPerLeaf_EveryLeafHasAtLeastThatManyRows()
    {
        // Arrange
        var data = LearningData.Noisy(2000, 4, 5);

        // Act
        var model = BoostedTreesTrainer.Train(data, Small with { MinimumExampleCountPerLeaf = 37, NumberOfLeaves = 31 });

        // Assert
        Assert.All(model.Trees, tree => Assert.All(tree.LeafCover, cover => Assert.True(cover >= 37)));
        Assert.Contains(model.Trees, tree => tree.LeafCount > 2);
    }

    [Fact]
    public void Train_MinimumExamplesPerLeaf_LeafCountsMatchTrainingRows()
    {
        // Arrange
        var data = LearningData.Noisy(1500, 3, 6);
        var model = BoostedTreesTrainer.Train(data, Small with { NumberOfTrees = 3, MinimumExampleCountPerLeaf = 50 });

        // Act: route every training row and count rows per leaf.
        foreach (var tree in model.Trees)
        {
            var counts = new int[tree.LeafCount];
            for (int r = 0; r < data.Rows; r++) counts[tree.LeafOf(data.Row(r))]++;

            // Assert
            Assert.All(counts, count => Assert.True(count >= 50));
            Assert.Equal(tree.LeafCover.Select(c => (int)c), counts);
        }
    }

    [Fact]
    public void Train_EarlyStopping_StopsAndKeepsTheBestIteration()
    {
        // Arrange: the validation labels are noise, so validation loss soon gets worse.
        var train = LearningData.Noisy(3000, 4, 7);
        var validation = LearningData.Generate(1500, 4, 8, (_, random) => random.NextDouble() < 0.1);
        var options = Small with { NumberOfTrees = 200, EarlyStoppingRounds = 5 };
        var messages = new List<string>();

        // Act
        var stopped = BoostedTreesTrainer.Train(train, options, validation, new SynchronousProgress(messages));
        var full = BoostedTreesTrainer.Train(train, options with { EarlyStoppingRounds = 0 }, validation);

        // Assert
        Assert.InRange(stopped.TreeCount, 1, 150);
        var losses = Enumerable.Range(1, stopped.TreeCount + 5).Select(k => LearningData.LogLoss(full, validation, k)).ToArray();
        int best = Array.IndexOf(losses, losses.Min()) + 1;
        Assert.Equal(best, stopped.TreeCount);
        Assert.Contains(messages, m => m.StartsWith("early stop", StringComparison.Ordinal));
        var row = validation.Row(3);
        Assert.Equal(full.PredictMargin(row, stopped.TreeCount), stopped.PredictMargin(row));
    }

    [Fact]
    public void Train_PositiveClassWeight_ShiftsProbabilitiesUp()
    {
        // Arrange
        var data = LearningData.Noisy(3000, 3, 9);

        // Act
        var plain = LearningData.Probabilities(BoostedTreesTrainer.Train(data, Small), data);
        var weighted = LearningData.Probabilities(BoostedTreesTrainer.Train(data, Small with { PositiveClassWeight = 5 }), data);

        // Assert
        Assert.True(weighted.Average() > plain.Average() + 0.05, $"means {weighted.Average()} vs {plain.Average()}");
        int higher = weighted.Zip(plain).Count(p => p.First > p.Second);
        Assert.True(higher > data.Rows * 0.9, $"{higher} of {data.Rows} higher; means {weighted.Average()} vs {plain.Average()}");
    }

    [Fact]
    public void Train_MissingValuesCarrySignal_LearnsToSendThemToTheFraudSide()
    {
        // Arrange: f0 missing means fraud; otherwise fraud when f0 > 8.
        var data = LearningData.Generate(3000, 3, 10, (x, random) =>
        {
            if (random.NextDouble() < 0.2) x[0] = float.NaN;
            return float.IsNaN(x[0]) || x[0] > 8;
        });
        // Generate copies the row before labelling; put the NaNs into the matrix too.
        var features = (float[])data.Features.Clone();
        for (int r = 0; r < data.Rows; r++)
        {
            if (data.Labels[r] == 1 && features[r * 3] <= 8) features[r * 3] = float.NaN;
        }
        data = new Dataset(features, data.Rows, 3, data.Labels, data.FeatureNames);

        // Act
        var model = BoostedTreesTrainer.Train(data, Small);

        // Assert
        Assert.True(model.PredictProbability([float.NaN, 5, 5]) > 0.9);
        Assert.True(model.PredictProbability([4, 5, 5]) < 0.1);
        Assert.True(model.PredictProbability([9, 5, 5]) > 0.9);
        Assert.Contains(model.Trees, tree => tree.NodeCount > 0 && tree.DefaultLeft.Zip(tree.SplitFeature).Any(s => s.Second == 0 && !s.First));
        Assert.Equal(1.0, LearningData.Auc(LearningData.Probabilities(model, data), data.Labels));
    }

    [Fact]
    public void PredictProbability_InfiniteAndMissingValues_ReturnsAProbability()
    {
        // Arrange
        var features = new float[400 * 2];
        var labels = new float[400];
        for (int r = 0; r < 400; r++)
        {
            features[r * 2] = (r % 5) switch { 0 => float.PositiveInfinity, 1 => float.NegativeInfinity, 2 => float.NaN, _ => r };
            features[r * 2 + 1] = r % 3;
            labels[r] = r % 5 == 0 || r > 300 ? 1 : 0;
        }
        var data = new Dataset(features, 400, 2, labels, ["a", "b"]);

        // Act
        var model = BoostedTreesTrainer.Train(data, Small);

        // Assert
        foreach (float[] row in new[] { new[] { float.PositiveInfinity, float.NaN }, [float.NegativeInfinity, float.PositiveInfinity], [float.NaN, float.NegativeInfinity], [float.MaxValue, -float.MaxValue] })
            Assert.InRange(model.PredictProbability(row), 0.0, 1.0);
        Assert.True(model.PredictProbability([float.PositiveInfinity, 0]) > 0.5);
    }

    [Fact]
    public void Train_MaximumTreeOutput_BoundsEveryLeafValue()
    {
        // Arrange
        var data = LearningData.Generate(1000, 2, 15, (x, _) => x[0] > 5);

        // Act
        var model = BoostedTreesTrainer.Train(data, Small with { MaximumTreeOutput = 0.05 });

        // Assert
        Assert.All(model.Trees, tree => Assert.All(tree.LeafValue, value => Assert.InRange(value, -0.05, 0.05)));
        Assert.Contains(model.Trees, tree => tree.LeafValue.Any(value => Math.Abs(value) == 0.05));
    }

    [Fact]
    public void Train_Bagging_StillLearnsAndScoresOutOfBagRows()
    {
        // Arrange
        var data = LearningData.Noisy(4000, 4, 16);
        var reference = BoostedTreesTrainer.Train(data, Small);

        // Act
        var bagged = BoostedTreesTrainer.Train(data, Small with { BaggingFraction = 0.5 });

        // Assert: trees grown on half the rows still rank nearly as well as the full model.
        double auc = LearningData.Auc(LearningData.Probabilities(bagged, data), data.Labels);
        double referenceAuc = LearningData.Auc(LearningData.Probabilities(reference, data), data.Labels);
        Assert.True(auc > referenceAuc - 0.03, $"bagged AUC {auc} vs {referenceAuc}");
        Assert.All(bagged.Trees, tree => Assert.InRange(tree.NodeCount == 0 ? tree.LeafCover[0] : tree.NodeCover[0], 1700, 2300));
    }

    [Fact]
    public void Train_BinningFromASample_IsDeterministicAndStillSplitsWell()
    {
        // Arrange
        var data = LearningData.Generate(5000, 3, 17, (x, _) => x[1] > 6);
        var options = Small with { BinningSampleRows = 400 };

        // Act
        var first = BoostedTreesTrainer.Train(data, options);
        var second = BoostedTreesTrainer.Train(data, options);

        // Assert
        Assert.Equal(LearningData.Save(first), LearningData.Save(second));
        Assert.InRange(first.Trees[0].Threshold[0], 5.8f, 6.2f);
        Assert.True(LearningData.Auc(LearningData.Probabilities(first, data), data.Labels) > 0.99);
    }

    [Fact]
    public void Train_WithProgress_ReportsTrees()
    {
        // Arrange
        var data = LearningData.Noisy(500, 2, 18);
        var messages = new List<string>();

        // Act
        BoostedTreesTrainer.Train(data, Small, progress: new SynchronousProgress(messages));

        // Assert
        Assert.Equal(["tree 10/20", "tree 20/20"], messages);
    }

    [Fact]
    public void FeatureImportance_OneInformativeFeature_RanksItFirst()
    {
        // Arrange
        var data = LearningData.Generate(3000, 5, 11, (x, random) => random.NextDouble() < (x[3] > 6 ? 0.8 : 0.05));

        // Act
        var importance = BoostedTreesTrainer.Train(data, Small).FeatureImportance();

        // Assert
        Assert.Equal(5, importance.Length);
        Assert.Equal(3, Array.IndexOf(importance, importance.Max()));
        Assert.All(importance, value => Assert.True(value >= 0));
    }

    [Fact]
    public void Train_InvalidLabel_ThrowsArgumentExceptionNamingTheRow()
    {
        // Arrange
        var data = new Dataset([1, 2, 3], 3, 1, [0, 1, 2], ["a"]);

        // Act
        var error = Assert.Throws<ArgumentException>(() => BoostedTreesTrainer.Train(data, Small));

        // Assert
        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_SingleClass_ThrowsArgumentException()
    {
        // Arrange
        var data = new Dataset([1, 2, 3], 3, 1, [0, 0, 0], ["a"]);

        // Act / Assert
        Assert.Throws<ArgumentException>(() => BoostedTreesTrainer.Train(data, Small));
    }

    [Theory]
    [InlineData(nameof(BoostedTreesOptions.NumberOfLeaves))]
    [InlineData(nameof(BoostedTreesOptions.LearningRate))]
    [InlineData(nameof(BoostedTreesOptions.MaximumBinCountPerFeature))]
    [InlineData(nameof(BoostedTreesOptions.BaggingFraction))]
    [InlineData(nameof(BoostedTreesOptions.Threads))]
    public void Train_InvalidOption_ThrowsArgumentExceptionNamingTheOption(string option)
    {
        // Arrange
        var data = LearningData.Noisy(100, 2, 12);
        var options = option switch
        {
            nameof(BoostedTreesOptions.NumberOfLeaves) => Small with { NumberOfLeaves = 1 },
            nameof(BoostedTreesOptions.LearningRate) => Small with { LearningRate = double.NaN },
            nameof(BoostedTreesOptions.MaximumBinCountPerFeature) => Small with { MaximumBinCountPerFeature = 256 },
            nameof(BoostedTreesOptions.BaggingFraction) => Small with { BaggingFraction = 0 },
            _ => Small with { Threads = 0 },
        };

        // Act
        var error = Assert.Throws<ArgumentException>(() => BoostedTreesTrainer.Train(data, options));

        // Assert
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_EarlyStoppingWithoutValidation_ThrowsArgumentException()
    {
        // Arrange
        var data = LearningData.Noisy(100, 2, 13);

        // Act / Assert
        Assert.Throws<ArgumentException>(() => BoostedTreesTrainer.Train(data, Small with { EarlyStoppingRounds = 3 }));
    }

    [Fact]
    public void Train_ValidationWithOtherFeatures_ThrowsArgumentException()
    {
        // Arrange
        var data = LearningData.Noisy(100, 2, 14);
        var validation = new Dataset([1, 2], 1, 2, [0], ["x", "y"]);

        // Act / Assert
        Assert.Throws<ArgumentException>(() => BoostedTreesTrainer.Train(data, Small, validation));
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this records messages in order, at once.</summary>
    private sealed class SynchronousProgress(List<string> messages) : IProgress<string>
    {
        public void Report(string value) => messages.Add(value);
    }
}
