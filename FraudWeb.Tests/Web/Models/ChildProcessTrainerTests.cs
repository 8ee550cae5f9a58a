using FraudWeb.Domain.Learning;
using FraudWeb.Domain.Retraining;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Domain.Learning;
using Microsoft.Extensions.Logging.Abstractions;

namespace FraudWeb.Tests.Web.Models;

/// <summary>The web app's retraining path: this executable's train verb in a child process, its model loaded back.</summary>
public sealed class ChildProcessTrainerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-child-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Train_SmallData_ModelScoresAsTheSameTrainingInThisProcess()
    {
        // Arrange
        var data = LearningData.Noisy(2000, 4, 51);
        var options = new BoostedTreesOptions { NumberOfTrees = 30, NumberOfLeaves = 8, Threads = 1, BaggingFraction = 0.7, FeatureFraction = 0.8, Seed = 4 };
        var trainer = new ChildProcessTrainer(new FraudWebPaths(_directory), ModelKeyProvider.ForKey(Convert.FromBase64String(FraudWebFactory.TestModelSigningKey)), NullLogger<ChildProcessTrainer>.Instance);

        // Act
        var child = trainer.Train(data, options, null, CancellationToken.None);
        var here = FastTreeTrainer.Train(data, options);

        // Assert: same flags, same data (the table round trip is exact), same model.
        Assert.Equal(30, child.TreeCount);
        Assert.Equal(LearningData.Probabilities(here, data), LearningData.Probabilities(child, data));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_directory, "training")));
    }

    [Fact]
    public void Train_ChildFails_ThrowsRetrainingExceptionWithItsMessage()
    {
        // Arrange: one class only, which the train verb refuses.
        var data = LearningData.Generate(300, 3, 52, (_, _) => false);
        var trainer = new ChildProcessTrainer(new FraudWebPaths(_directory), ModelKeyProvider.ForKey(Convert.FromBase64String(FraudWebFactory.TestModelSigningKey)), NullLogger<ChildProcessTrainer>.Instance);

        // Act
        var error = Assert.Throws<RetrainingException>(() => trainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 5, Threads = 1 }, null, CancellationToken.None));

        // Assert
        Assert.Contains("The training process failed (exit 1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("both frauds and legitimate rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_Cancelled_KillsTheChildAndThrows()
    {
        // Arrange: a training long enough to be cancelled mid-way.
        var data = LearningData.Noisy(200_000, 6, 53);
        var trainer = new ChildProcessTrainer(new FraudWebPaths(_directory), ModelKeyProvider.ForKey(Convert.FromBase64String(FraudWebFactory.TestModelSigningKey)), NullLogger<ChildProcessTrainer>.Instance);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        // Act / Assert
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 5000, Threads = 1 }, null, cancel.Token));
    }
}
