using FraudWeb.Domain.Learning;

namespace FraudWeb.Tests.Domain.Learning;

public class BoostedTreesModelTests
{
    private static readonly Lazy<(BoostedTreesModel Model, Dataset Data)> Trained = new(() =>
    {
        var data = LearningData.Noisy(3000, 4, 31);
        return (BoostedTreesTrainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 50, Threads = 2 }), data);
    });

    [Fact]
    public void PredictProbability_WarmModel_AllocatesNothing()
    {
        // Arrange
        var (model, data) = Trained.Value;
        float[] row = data.Row(5).ToArray();
        double sink = model.PredictProbability(row) + model.PredictMargin(row);

        // Act
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            sink += model.PredictProbability(row);
            sink += model.PredictMargin(row);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert
        Assert.Equal(0, allocated);
        Assert.True(double.IsFinite(sink));
    }

    [Fact]
    public void PredictProbability_IsTheSigmoidOfTwiceSigmaTimesMargin()
    {
        // Arrange
        var (model, data) = Trained.Value;
        var row = data.Row(7);

        // Act
        double probability = model.PredictProbability(row);

        // Assert
        Assert.Equal(1 / (1 + Math.Exp(-2 * model.Sigmoid * model.PredictMargin(row))), probability, 1e-15);
        Assert.Equal(0.4, model.Sigmoid, 1e-15);
    }

    [Fact]
    public void PredictProbabilities_Batch_EqualsSingleRowScores()
    {
        // Arrange
        var (model, data) = Trained.Value;
        var batch = new double[data.Rows];

        // Act
        model.PredictProbabilities(data.Features, batch);

        // Assert
        Assert.Equal(LearningData.Probabilities(model, data), batch);
    }

    [Fact]
    public void PredictProbability_WrongFeatureCount_ThrowsArgumentExceptionWithExpectedCount()
    {
        // Arrange
        var (model, _) = Trained.Value;

        // Act
        var error = Assert.Throws<ArgumentException>(() => model.PredictProbability([1, 2, 3]));

        // Assert
        Assert.Contains("Expected 4 features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictProbabilities_RowsNotAMultipleOfFeatures_ThrowsArgumentException()
    {
        // Arrange
        var (model, _) = Trained.Value;

        // Act / Assert
        Assert.Throws<ArgumentException>(() => model.PredictProbabilities(new float[10], new double[2]));
        Assert.Throws<ArgumentException>(() => model.PredictProbabilities(new float[8], new double[3]));
    }

    [Fact]
    public void Bias_Training_IsZeroAsInFastTree()
    {
        // Arrange
        var (model, _) = Trained.Value;

        // Act
        double bias = model.Bias;

        // Assert
        Assert.Equal(0.0, bias);
    }
}
