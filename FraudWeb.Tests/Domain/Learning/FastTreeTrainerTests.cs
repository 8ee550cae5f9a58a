using FraudWeb.Domain.Learning;
using Microsoft.ML.Trainers.FastTree;

namespace FraudWeb.Tests.Domain.Learning;

public class FastTreeTrainerTests
{
    private static readonly BoostedTreesOptions Small = new() { NumberOfTrees = 20, Threads = 2 };

    [Fact]
    public void Options_Defaults_AreMlNetFastTreesDefaults()
    {
        // Arrange
        var ours = new BoostedTreesOptions();
        var mlNet = new FastTreeBinaryTrainer.Options();

        // Act
        var mapped = FastTreeTrainer.ToMlNet(ours, weighted: false);

        // Assert
        Assert.Equal(mlNet.NumberOfTrees, mapped.NumberOfTrees);
        Assert.Equal(mlNet.NumberOfLeaves, mapped.NumberOfLeaves);
        Assert.Equal(mlNet.MinimumExampleCountPerLeaf, mapped.MinimumExampleCountPerLeaf);
        Assert.Equal(mlNet.LearningRate, mapped.LearningRate);
        Assert.Equal(mlNet.MaximumBinCountPerFeature, mapped.MaximumBinCountPerFeature);
        Assert.Equal(mlNet.FeatureFraction, mapped.FeatureFraction);
        Assert.Equal(mlNet.BaggingSize, mapped.BaggingSize);
        Assert.Equal(mlNet.MaximumTreeOutput, mapped.MaximumTreeOutput);
        Assert.Equal(mlNet.SparsifyThreshold, mapped.SparsifyThreshold);
        Assert.Equal(mlNet.BestStepRankingRegressionTrees, mapped.BestStepRankingRegressionTrees);
        Assert.Null(mapped.EarlyStoppingRule);
        Assert.Null(mapped.ExampleWeightColumnName);
    }

    [Fact]
    public void ToMlNet_EveryFlagSet_MapsOntoMlNetsOptions()
    {
        // Arrange
        var ours = new BoostedTreesOptions
        {
            NumberOfTrees = 7, NumberOfLeaves = 5, MinimumExampleCountPerLeaf = 3, LearningRate = 0.3, MaximumBinCountPerFeature = 64,
            FeatureFraction = 0.5, BaggingFraction = 0.6, EarlyStoppingTolerance = 0.02, Threads = 3, Seed = 9, MaximumTreeOutput = 4,
            SparsifyThreshold = 0.9,
        };

        // Act
        var mapped = FastTreeTrainer.ToMlNet(ours, weighted: true);

        // Assert
        Assert.Equal((7, 5, 3, 0.3, 64), (mapped.NumberOfTrees, mapped.NumberOfLeaves, mapped.MinimumExampleCountPerLeaf, mapped.LearningRate, mapped.MaximumBinCountPerFeature));
        Assert.Equal((0.5, 1, 0.6), (mapped.FeatureFraction, mapped.BaggingSize, mapped.BaggingExampleFraction));
        Assert.Equal((3, 9, 9), (mapped.NumberOfThreads, mapped.Seed, mapped.FeatureSelectionSeed));
        Assert.Equal(4, mapped.MaximumTreeOutput);
        Assert.False(mapped.BestStepRankingRegressionTrees);
        Assert.Equal(0.9, mapped.SparsifyThreshold);
        Assert.Equal(0.02f, Assert.IsType<TolerantEarlyStoppingRule>(mapped.EarlyStoppingRule).Threshold);
        Assert.Equal("Weight", mapped.ExampleWeightColumnName);
    }

    [Fact]
    public void Train_SeparableData_ReachesAucOne()
    {
        // Arrange
        var data = LearningData.Generate(2000, 4, 1, (x, _) => x[0] > 3 && x[1] > 6);

        // Act
        var model = FastTreeTrainer.Train(data, new BoostedTreesOptions { Threads = 2 });

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
        var model = FastTreeTrainer.Train(data, Small with { NumberOfTrees = 1, NumberOfLeaves = 2 });

        // Assert
        var tree = Assert.Single(model.Trees);
        Assert.Equal(1, tree.NodeCount);
        Assert.Equal(1, tree.SplitFeature[0]);
        Assert.InRange(tree.Threshold[0], 3.7f, 3.8f);
        Assert.True(tree.Threshold[0] < 3.8f);
        int above = tree.LeafOf([0, 3.8f]), below = tree.LeafOf([0, 3.7f]);
        Assert.NotEqual(above, below);
        Assert.True(tree.LeafValue[above] > 0 && tree.LeafValue[below] < 0);
        Assert.True(model.PredictProbability([0, 3.8f]) > 0.5 && model.PredictProbability([0, 3.7f]) < 0.5);
    }

    [Fact]
    public void Train_SameDataAndSeed_GivesIdenticalScores()
    {
        // Arrange
        var data = LearningData.Noisy(3000, 5, 2);
        var options = Small with { NumberOfTrees = 30, BaggingFraction = 0.7, FeatureFraction = 0.8, Seed = 5 };

        // Act
        var first = FastTreeTrainer.Train(data, options);
        var second = FastTreeTrainer.Train(data, options);

        // Assert
        Assert.Equal(LearningData.Probabilities(first, data), LearningData.Probabilities(second, data));
        Assert.Equal(first.FeatureImportance(), second.FeatureImportance());
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Train_RowWithNonFiniteFeature_ThrowsNamingRowAndFeature(float bad)
    {
        // Arrange: ML.NET would drop such a row without a word.
        var data = LearningData.Noisy(500, 3, 3);
        data.Features[41 * 3 + 2] = bad;

        // Act
        var error = Assert.Throws<ArgumentException>(() => FastTreeTrainer.Train(data, Small));

        // Assert
        Assert.Contains("row 41", error.Message, StringComparison.Ordinal);
        Assert.Contains("'f2'", error.Message, StringComparison.Ordinal);
        Assert.Contains("drops such rows silently", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_OneClassOnly_ThrowsArgumentException()
    {
        // Arrange
        var data = LearningData.Generate(300, 2, 4, (_, _) => false);

        // Act / Assert
        Assert.Throws<ArgumentException>(() => FastTreeTrainer.Train(data, Small));
    }

    [Fact]
    public void Train_LabelOtherThanZeroOrOne_ThrowsNamingTheRow()
    {
        // Arrange
        var data = LearningData.Noisy(300, 2, 5);
        data.Labels[17] = 2;

        // Act
        var error = Assert.Throws<ArgumentException>(() => FastTreeTrainer.Train(data, Small));

        // Assert
        Assert.Contains("row 17", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_EarlyStoppingWithoutValidationSet_ThrowsArgumentException()
    {
        // Arrange
        var data = LearningData.Noisy(300, 2, 6);

        // Act / Assert
        Assert.Throws<ArgumentException>(() => FastTreeTrainer.Train(data, Small with { EarlyStoppingTolerance = 0.01 }));
    }

    [Fact]
    public void Train_EarlyStoppingOnOverfittingShape_KeepsFewerTreesThanAsked()
    {
        // Arrange: a large learning rate on noisy data overfits within a few trees, so the validation loss turns up.
        var train = LearningData.Noisy(1500, 6, 7);
        var validation = LearningData.Noisy(1500, 6, 8);
        var options = Small with { NumberOfTrees = 300, NumberOfLeaves = 32, MinimumExampleCountPerLeaf = 2, LearningRate = 0.8, EarlyStoppingTolerance = 0.001 };

        // Act
        var stopped = FastTreeTrainer.Train(train, options, validation);

        // Assert
        Assert.InRange(stopped.TreeCount, 1, 299);
    }

    [Fact]
    public void Train_PositiveClassWeight_RaisesTheFraudProbabilities()
    {
        // Arrange
        var data = LearningData.Noisy(3000, 3, 9);

        // Act
        var plain = FastTreeTrainer.Train(data, Small);
        var weighted = FastTreeTrainer.Train(data, Small with { PositiveClassWeight = 5 });

        // Assert
        Assert.True(LearningData.Probabilities(weighted, data).Average() > LearningData.Probabilities(plain, data).Average() + 0.05);
    }

    [Fact]
    public void Train_InformativeFeatures_RankFirstInImportance()
    {
        // Arrange: the label depends on f0 and f1 only.
        var data = LearningData.Noisy(4000, 5, 10);

        // Act
        var importance = FastTreeTrainer.Train(data, Small).FeatureImportance();

        // Assert
        var ranked = Enumerable.Range(0, 5).OrderByDescending(i => importance[i]).ToArray();
        Assert.Equal(0, ranked[0]);
        Assert.Equal(1, ranked[1]);
    }
}
