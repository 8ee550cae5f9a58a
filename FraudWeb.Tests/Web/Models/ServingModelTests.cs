using FraudWeb.Domain.Learning;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Domain.Learning;

namespace FraudWeb.Tests.Web.Models;

public class ServingModelTests
{
    [Fact]
    public async Task Promote_WhileEightThreadsScore_EveryRequestScoredByOneWholeModel()
    {
        // Arrange: two different ML.NET models and their expected scores for the same rows.
        var data = LearningData.Noisy(1500, 4, 61);
        var first = FastTreeTrainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 20, Threads = 2, Seed = 1 });
        var second = FastTreeTrainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 35, NumberOfLeaves = 6, Threads = 2, Seed = 2 });
        var expected = new Dictionary<string, double[]>
        {
            ["first"] = LearningData.Probabilities(first, data),
            ["second"] = LearningData.Probabilities(second, data),
        };
        var serving = new ServingModel();
        serving.Promote(new ServingSnapshot(first, "first"));
        using var stop = new CancellationTokenSource();

        // Act: scorers read a snapshot per request, as the payment path does, while promotions swap back and forth.
        var scorers = Enumerable.Range(0, 8).Select(t => Task.Factory.StartNew(() =>
        {
            int scored = 0, wrong = 0;
            for (int i = t; !stop.IsCancellationRequested; i++)
            {
                var snapshot = serving.Current!;
                int row = i % data.Rows;
                if (snapshot.Model.PredictProbability(data.Row(row)) != expected[snapshot.Version][row]) wrong++;
                scored++;
            }
            return (scored, wrong);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        for (int swap = 0; swap < 200; swap++)
        {
            serving.Promote(swap % 2 == 0 ? new ServingSnapshot(second, "second") : new ServingSnapshot(first, "first"));
            await Task.Delay(1);
        }
        await stop.CancelAsync();
        var results = await Task.WhenAll(scorers);

        // Assert: no request failed or mixed two models; after the last swap only the promoted model answers.
        Assert.All(results, r => Assert.True(r.scored > 0));
        Assert.Equal(0, results.Sum(r => r.wrong));
        Assert.Equal("first", serving.Current!.Version);
        Assert.Equal(expected["first"][7], serving.Current.Model.PredictProbability(data.Row(7)));
    }
}
