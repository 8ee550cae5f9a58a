using FraudWeb.Domain.Learning;

namespace FraudWeb.Tests.Domain.Learning;

public class FastTreeModelTests
{
    private static readonly Lazy<(FastTreeModel Model, Dataset Data)> Trained = new(() =>
    {
        var data = LearningData.Noisy(4000, 6, 31);
        return (FastTreeTrainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 100, NumberOfLeaves = 8, LearningRate = 0.1, Threads = 2 }), data);
    });

    [Fact]
    public void Explain_ThousandsOfRows_BiasPlusContributionsEqualsMlNetsRawScore()
    {
        // Arrange: training rows and fresh rows outside the training range.
        var (model, data) = Trained.Value;
        var random = new Random(32);
        var contributions = new double[6];
        var rows = Enumerable.Range(0, data.Rows).Select(r => data.Row(r).ToArray())
            .Concat(Enumerable.Range(0, 2000).Select(_ => Enumerable.Range(0, 6).Select(_ => (float)(random.NextDouble() * 14 - 2)).ToArray()));

        foreach (var row in rows)
        {
            // Act
            double bias = model.Explain(row, contributions);

            // Assert: ML.NET's Score column, from its own prediction engine.
            Assert.Equal(model.PredictMargin(row), bias + contributions.Sum(), 1e-4);
        }
    }

    [Fact]
    public void PredictProbability_AnyRow_IsMlNetsPlattCalibrationOfTheScore()
    {
        // Arrange
        var (model, data) = Trained.Value;

        for (int r = 0; r < 200; r++)
        {
            // Act
            var (score, probability) = model.Predict(data.Row(r));

            // Assert: FastTree's calibrator is the sigmoid with slope 2 x learning rate, offset 0.
            Assert.Equal(1 / (1 + Math.Exp(-model.SigmoidSlope * score)), probability, 1e-6);
        }
        Assert.Equal(0.2, model.SigmoidSlope, 1e-12);
    }

    [Fact]
    public void PredictProbabilities_Batch_EqualsSingleRowPredictions()
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
    public async Task PredictProbability_SixteenThreadsAtOnce_SameScoresAsOneThread()
    {
        // Arrange
        var (model, data) = Trained.Value;
        var expected = LearningData.Probabilities(model, data);
        using var start = new Barrier(16);

        // Act: every thread scores every row, in its own order, sharing the model's engine pool.
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            var scores = new double[data.Rows];
            for (int i = 0; i < data.Rows; i++)
            {
                int r = (i * 7 + t * 131) % data.Rows;
                scores[r] = model.PredictProbability(data.Row(r));
            }
            return scores;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        // Assert
        foreach (var scores in results) Assert.Equal(expected, scores);
    }

    [Fact]
    public void PredictProbability_WarmEngine_AllocatesLittle()
    {
        // Arrange: the pooled engine reuses its input and output rows.
        var (model, data) = Trained.Value;
        float[] row = data.Row(5).ToArray();
        double sink = model.PredictProbability(row);

        // Act
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) sink += model.PredictProbability(row);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert
        Assert.InRange(allocated / 1000.0, 0, 64);
        Assert.True(double.IsFinite(sink));
    }

    [Fact]
    public void PredictProbability_WrongFeatureCount_ThrowsArgumentExceptionWithExpectedCount()
    {
        // Arrange
        var (model, _) = Trained.Value;

        // Act
        var error = Assert.Throws<ArgumentException>(() => model.PredictProbability([1, 2, 3]));

        // Assert
        Assert.Contains("Expected 6 features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictProbabilities_RowsNotAMultipleOfFeatures_ThrowsArgumentException()
    {
        // Arrange
        var (model, _) = Trained.Value;

        // Act / Assert
        Assert.Throws<ArgumentException>(() => model.PredictProbabilities(new float[13], new double[2]));
    }
}
