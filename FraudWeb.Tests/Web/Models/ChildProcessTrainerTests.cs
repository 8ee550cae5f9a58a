using FraudWeb.Domain.Learning;
using FraudWeb.Domain.Retraining;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Domain.Learning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FraudWeb.Tests.Web.Models;

/// <summary>The web app's retraining path: this executable's train verb in a child process, its model loaded back.</summary>
[Trait("Category", TestPostgres.ProviderIndependent)]
public sealed class ChildProcessTrainerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-child-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        // The failure-message tests start no child, so nothing was written.
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private ChildProcessTrainer Trainer(int memoryLimitMb = 0) =>
        new(new FraudWebPaths(_directory), ModelKeyProvider.ForKey(Convert.FromBase64String(FraudWebFactory.TestModelSigningKey)),
            new FixedSettings(new RetrainingSettings { ChildProcessMemoryLimitMb = memoryLimitMb }), NullLogger<ChildProcessTrainer>.Instance);

    /// <summary>Settings that never change (the app's monitor follows its configuration).</summary>
    private sealed class FixedSettings(RetrainingSettings value) : IOptionsMonitor<RetrainingSettings>
    {
        public RetrainingSettings CurrentValue => value;

        public RetrainingSettings Get(string? name) => value;

        public IDisposable? OnChange(Action<RetrainingSettings, string?> listener) => null;
    }

    [Fact]
    public void RemoveLeftovers_FoldersOfAKilledTrainingAndOfOneTrainingNow_OnlyTheOldGo()
    {
        // Arrange: a folder a killed process left hours ago, and one another instance writes in now
        var now = DateTime.UtcNow;
        var old = Directory.CreateDirectory(Path.Combine(_directory, "training", "old"));
        File.WriteAllText(Path.Combine(old.FullName, "train.csv"), "f0,tx_fraud\n1,0\n");
        old.LastWriteTimeUtc = now - ChildProcessTrainer.LeftoverAge - TimeSpan.FromMinutes(1);
        var young = Directory.CreateDirectory(Path.Combine(_directory, "training", "young"));

        // Act
        var removed = ChildProcessTrainer.RemoveLeftovers(_directory, now);

        // Assert
        Assert.Equal(1, removed);
        Assert.False(Directory.Exists(old.FullName));
        Assert.True(Directory.Exists(young.FullName));
    }

    [Fact]
    public void Train_SmallData_ModelScoresAsTheSameTrainingInThisProcess()
    {
        // Arrange
        var data = LearningData.Noisy(2000, 4, 51);
        var options = new BoostedTreesOptions { NumberOfTrees = 30, NumberOfLeaves = 8, Threads = 1, BaggingFraction = 0.7, FeatureFraction = 0.8, Seed = 4 };
        var trainer = Trainer();

        // Act
        var child = trainer.Train(data, options, null, CancellationToken.None);
        var here = FastTreeTrainer.Train(data, options);

        // Assert: same flags, same data (the table round trip is exact), same model.
        Assert.Equal(30, child.TreeCount);
        Assert.Equal(LearningData.Probabilities(here, data), LearningData.Probabilities(child, data));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_directory, "training")));
    }

    [Fact]
    public void Train_InADataDirectoryOthersCanRead_TrainingFolderIsTheAppsAlone()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Unix file modes only.");
        // Arrange (security review): the operator made the data directory open to the group and others
        Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var data = LearningData.Noisy(500, 4, 52);

        // Act
        Trainer().Train(data, new BoostedTreesOptions { NumberOfTrees = 5, NumberOfLeaves = 4, Threads = 1 }, null, CancellationToken.None);

        // Assert: the folder that holds every training row while a child trains is 0700
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_directory, "training")));
    }

    [Fact]
    public void Train_ChildFails_ThrowsRetrainingExceptionWithItsMessage()
    {
        // Arrange: one class only, which the train verb refuses.
        var data = LearningData.Generate(300, 3, 52, (_, _) => false);
        var trainer = Trainer();

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
        var trainer = Trainer();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        // Act / Assert
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 5000, Threads = 1 }, null, cancel.Token));
    }

    [Fact]
    public async Task TrainVerb_ParentGoneMidTraining_ChildStopsAtOnce()
    {
        // Arrange: a child on a long training, its standard input the parent's end of a pipe (a killed server left
        // its child training for nobody, beside the restarted server's own run)
        Directory.CreateDirectory(_directory);
        var table = Path.Combine(_directory, "table.csv");
        var random = new Random(55);
        await File.WriteAllLinesAsync(table, Enumerable.Repeat("f0,f1,f2,tx_fraud", 1).Concat(Enumerable.Range(0, 50_000).Select(i =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{random.NextDouble()},{random.NextDouble()},{random.NextDouble()},{(i % 20 == 0 ? 1 : 0)}"))));
        var start = ChildProcessTrainer.StartInfo();
        foreach (var argument in ChildProcessTrainer.Arguments(table, Path.Combine(_directory, "model.bin"), new BoostedTreesOptions { NumberOfTrees = 20_000, Threads = 1 }))
            start.ArgumentList.Add(argument);
        start.RedirectStandardInput = start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment[ChildProcessTrainer.ExitWithParentVariable] = "1";
        start.Environment[ModelKeyProvider.EnvironmentVariable] = FraudWebFactory.TestModelSigningKey;
        using var child = System.Diagnostics.Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(child.HasExited, "the child ended before the test could stop it");

        // Act: what the operating system does to the pipe when the parent dies
        child.StandardInput.Close();
        var exited = child.WaitForExit(TimeSpan.FromSeconds(20));
        if (!exited) child.Kill(entireProcessTree: true);

        // Assert
        Assert.True(exited, "the child kept training after its parent had gone");
        Assert.Equal(ChildProcessTrainer.ParentGoneExitCode, child.ExitCode);
        _ = await output;
        _ = await errors;
    }

    [Fact]
    public void Train_MemoryLimitBelowWhatTrainingNeeds_ThrowsSayingOutOfMemory()
    {
        // Arrange: a 4 MB GC heap, about what the runtime alone needs (it dies at start or in the training).
        var data = LearningData.Noisy(20_000, 6, 54);
        var trainer = Trainer(memoryLimitMb: 4);

        // Act
        var error = Assert.Throws<RetrainingException>(() => trainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 50, Threads = 1 }, null, CancellationToken.None));

        // Assert
        Assert.Contains("The training process ran out of memory", error.Message, StringComparison.Ordinal);
        Assert.Contains("GC heap limit 4 MB", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_directory, "training")));
    }

    [Fact]
    public void GcHeapHardLimit_SixteenMegabytes_IsTheByteCountInHex()
    {
        // Arrange / Act
        var value = ChildProcessTrainer.GcHeapHardLimit(16);

        // Assert
        Assert.Equal("0x1000000", value);
    }

    [Fact]
    public void FailureMessage_OutOfMemoryExceptionOnStderr_SaysOutOfMemoryWithThatLine()
    {
        // Arrange: the train verb's one-line error for an exception in its training.
        const string Errors = "training on 2568 rows x 18 features\nerror: OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.\n";

        // Act
        var message = ChildProcessTrainer.FailureMessage(1, Errors, 64);

        // Assert
        Assert.Equal("The training process ran out of memory (exit 1, GC heap limit 64 MB): error: OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.", message);
    }

    [Fact]
    public void FailureMessage_OutOfMemoryExitCodeWithItsMessageCutShort_SaysOutOfMemory()
    {
        // Arrange (CI, 2026-12-05: a child out of memory got "err" of its error line out and the parent said "failed")
        const string Errors = "training on 20000 rows x 6 features\nerr";

        // Act
        var message = ChildProcessTrainer.FailureMessage(FraudWeb.Cli.FraudWebCommandLine.OutOfMemory, Errors, 4);

        // Assert
        Assert.Equal("The training process ran out of memory (exit 3, GC heap limit 4 MB): out of memory", message);
    }

    [Fact]
    public void FailureMessage_GcHeapCouldNotBeCreated_SaysOutOfMemoryNotKilled()
    {
        // Arrange: a limit below what the runtime needs; the host exits 137 (CoreClrInitFailure), like a SIGKILL.
        const string Errors = "GC heap initialization failed with error 0x8007000E\nFailed to create CoreCLR, HRESULT: 0x8007000E\n";

        // Act
        var message = ChildProcessTrainer.FailureMessage(137, Errors, 2);

        // Assert
        Assert.StartsWith("The training process ran out of memory (exit 137, GC heap limit 2 MB): GC heap initialization failed", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailureMessage_UnhandledOutOfMemoryOnAnotherThread_SaysOutOfMemory()
    {
        // Arrange: the runtime aborts (SIGABRT) after printing the exception and its stack.
        const string Errors = "Unhandled exception. System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.\n   at Microsoft.ML.Trainers.FastTree.Dataset.Split()\n";

        // Act
        var message = ChildProcessTrainer.FailureMessage(134, Errors, 0);

        // Assert
        Assert.Equal("The training process ran out of memory (exit 134): Unhandled exception. System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.", message);
    }

    [Fact]
    public void FailureMessage_KilledBySigKill_SaysKilled()
    {
        // Arrange: kill -9 (or the kernel's out-of-memory killer) mid-training.
        const string Errors = "ML.NET FastTree: 2568 rows x 18 features, 2000 trees x 8 leaves, learning rate 0.2\n";

        // Act
        var message = ChildProcessTrainer.FailureMessage(137, Errors, 0);

        // Assert
        Assert.StartsWith("The training process was killed (signal 9, exit 137)", message, StringComparison.Ordinal);
        Assert.EndsWith("ML.NET FastTree: 2568 rows x 18 features, 2000 trees x 8 leaves, learning rate 0.2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailureMessage_StoppedBySigTerm_NamesTheSignal()
    {
        // Arrange / Act
        var message = ChildProcessTrainer.FailureMessage(143, "", 0);

        // Assert
        Assert.Equal("The training process was stopped by signal 15 (exit 143): no message", message);
    }

    [Fact]
    public void FailureMessage_OwnError_KeepsItsLastLine()
    {
        // Arrange / Act
        var message = ChildProcessTrainer.FailureMessage(1, "read 300 rows\nerror: the training data must contain both frauds and legitimate rows.\n", 0);

        // Assert
        Assert.Equal("The training process failed (exit 1): error: the training data must contain both frauds and legitimate rows.", message);
    }
}
