using System.Diagnostics;
using System.Globalization;
using FraudWeb.Domain.IO;
using FraudWeb.Domain.Learning;
using FraudWeb.Domain.Retraining;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Models;

/// <summary>
/// Trains a challenger in a child process at below-normal priority: this executable's `train --table` verb on a
/// feature table written here, then the model file it writes is loaded back. ML.NET's FastTree holds a process-wide
/// lock, fixes its thread count for the whole process and forces full garbage collections, and on a small machine its
/// threads compete with requests; in its own process the web app keeps its latency (docs/decisions/0006). With
/// Retraining:ChildProcessMemoryLimitMb the child's GC heap is capped, so a runaway training dies there of
/// OutOfMemoryException; an abnormal end is reported as what it was (out of memory, killed, failed).
/// </summary>
public sealed partial class ChildProcessTrainer(
    FraudWebPaths paths,
    ModelKeyProvider signingKey,
    IOptionsMonitor<RetrainingSettings> settings,
    ILogger<ChildProcessTrainer> logger)
{
    private const string LabelColumn = "tx_fraud";

    /// <summary>The runtime's own setting for a hard cap on the GC heap (bytes, hexadecimal).</summary>
    internal const string GcHeapHardLimitVariable = "DOTNET_GCHeapHardLimit";

    private const int SigKill = 9;

    /// <summary>A <see cref="ChallengerTrainer"/> that trains in a child process; cancelling kills the child.</summary>
    public ChallengerTrainer For(CancellationToken cancellationToken) =>
        (train, options, progress) => Train(train, options, progress, cancellationToken);

    public FastTreeModel Train(Dataset train, BoostedTreesOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        var directory = Path.Combine(paths.TrainingDirectory, Guid.NewGuid().ToString("N"));
        FraudWebPaths.CreatePrivate(directory);
        try
        {
            var table = Path.Combine(directory, "train.csv");
            var model = Path.Combine(directory, "model.bin");
            var clock = Stopwatch.StartNew();
            WriteTable(train, table);
            progress?.Report(string.Create(CultureInfo.InvariantCulture, $"Training table of {train.Rows} rows written in {clock.Elapsed.TotalSeconds:F2} s."));
            Run(Arguments(table, model, options), cancellationToken);
            using var stream = File.OpenRead(model);
            return ModelFile.Load(stream, signingKey.Key, train.FeatureNames).Model;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover training folder is harmless; the next start removes it (RemoveLeftovers).
            }
        }
    }

    /// <summary>How old a training folder must be before a start removes it: another instance sharing the data
    /// directory may be training in a younger one.</summary>
    public static readonly TimeSpan LeftoverAge = TimeSpan.FromHours(6);

    /// <summary>
    /// Removes training folders a stopped or killed process left behind (a feature table of every training row, and a
    /// model): the ones older than <see cref="LeftoverAge"/>. The number removed.
    /// </summary>
    public static int RemoveLeftovers(string dataDirectory, DateTime nowUtc)
    {
        var root = new DirectoryInfo(Path.Combine(dataDirectory, "training"));
        if (!root.Exists) return 0;
        var removed = 0;
        foreach (var folder in root.EnumerateDirectories().Where(d => nowUtc - d.LastWriteTimeUtc > LeftoverAge))
        {
            try
            {
                folder.Delete(recursive: true);
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the next start.
            }
        }
        return removed;
    }

    private static void WriteTable(Dataset data, string path)
    {
        var columns = data.FeatureNames.Append(LabelColumn).ToArray();
        var width = columns.Length;
        var values = new float[(long)data.Rows * width];
        for (var r = 0; r < data.Rows; r++)
        {
            data.Row(r).CopyTo(values.AsSpan(r * width, data.Columns));
            values[r * width + data.Columns] = data.Labels[r];
        }
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
        FeatureTableCsv.Write(writer, columns, values);
    }

    /// <summary>The training flags, one to one (the child uses the same <see cref="FastTreeTrainer"/>).</summary>
    internal static List<string> Arguments(string table, string model, BoostedTreesOptions o)
    {
        if (o.EarlyStoppingTolerance > 0 || o.PositiveClassWeight != 1 || o.MaximumTreeOutput != new BoostedTreesOptions().MaximumTreeOutput)
            throw new ArgumentException("Early stopping, class weights and MaximumTreeOutput have no train --table flag.", nameof(o));
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        return
        [
            "train", "--table", table, "--label", LabelColumn, "--out", model,
            "--threads", I(o.Threads), "--trees", I(o.NumberOfTrees), "--leaves", I(o.NumberOfLeaves), "--learning-rate", F(o.LearningRate),
            "--min-leaf", I(o.MinimumExampleCountPerLeaf), "--bins", I(o.MaximumBinCountPerFeature), "--seed", I(o.Seed),
            "--bagging", F(o.BaggingFraction), "--feature-fraction", F(o.FeatureFraction), "--sparsify", F(o.SparsifyThreshold),
        ];
    }

    private void Run(List<string> arguments, CancellationToken cancellationToken)
    {
        var start = StartInfo();
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // Never written: the child reads it to its end, which comes when this process ends, however it ends (a kill
        // too), and then stops training for nobody (ExitWithParent).
        start.RedirectStandardInput = true;
        start.Environment[ExitWithParentVariable] = "1";
        start.UseShellExecute = false;
        // The child signs the file with the installation's key; the environment keeps it off the visible command line.
        start.Environment[ModelKeyProvider.EnvironmentVariable] = signingKey.Base64;
        // Read at each start (a monitor): an operator may change the limit without restarting the server.
        var memoryLimitMb = settings.CurrentValue.ChildProcessMemoryLimitMb;
        if (memoryLimitMb > 0) start.Environment[GcHeapHardLimitVariable] = GcHeapHardLimit(memoryLimitMb);
        using var process = Process.Start(start) ?? throw new RetrainingException("The training process could not be started.");
        LogStarted(logger, process.Id, memoryLimitMb);
        try
        {
            // Requests come first: the child only gets the CPU the web app leaves.
            process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or PlatformNotSupportedException)
        {
            LogNoPriority(logger, ex.Message);
        }
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using (cancellationToken.Register(() => Kill(process)))
        {
            process.WaitForExit();
        }
        cancellationToken.ThrowIfCancellationRequested();
        var errors = stderr.GetAwaiter().GetResult();
        _ = stdout.GetAwaiter().GetResult();
        if (process.ExitCode != 0) throw new RetrainingException(FailureMessage(process.ExitCode, errors, memoryLimitMb));
    }

    /// <summary>Set for the child: its standard input is the parent's lifeline.</summary>
    public const string ExitWithParentVariable = "FRAUDWEB_EXIT_WITH_PARENT";

    /// <summary>
    /// In a training child (<see cref="ExitWithParentVariable"/> set): exits once its standard input ends, which is
    /// when the parent has gone (a killed server left its child training for nobody, and the restarted server's
    /// recovery trained again beside it).
    /// </summary>
    public static void ExitWithParent()
    {
        if (Environment.GetEnvironmentVariable(ExitWithParentVariable) != "1") return;
        var watcher = new Thread(() =>
        {
            using var input = Console.OpenStandardInput();
            var buffer = new byte[64];
            while (input.Read(buffer, 0, buffer.Length) > 0)
            {
                // The parent never writes; anything read is ignored.
            }
            Environment.Exit(ParentGoneExitCode);
        })
        { IsBackground = true, Name = "parent watcher" };
        watcher.Start();
    }

    /// <summary>The child's exit when its parent went first (128 + SIGHUP, as a shell's child whose terminal closed).</summary>
    public const int ParentGoneExitCode = 129;

    /// <summary>The value of <see cref="GcHeapHardLimitVariable"/> for a limit in MB ("0x1000000" for 16).</summary>
    internal static string GcHeapHardLimit(int megabytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(megabytes);
        return "0x" + ((long)megabytes * 1024 * 1024).ToString("X", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Why the child ended with <paramref name="exitCode"/>, from what it wrote on stderr: out of memory (an
    /// OutOfMemoryException, or E_OUTOFMEMORY when its GC heap could not even be set up, which the host reports as exit
    /// 137 too), killed (SIGKILL: an operator, or the system's out-of-memory killer), another signal, or its own error.
    /// </summary>
    internal static string FailureMessage(int exitCode, string errors, int memoryLimitMb)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var last = lines.LastOrDefault() ?? "no message";
        // The verb's own exit code for it, when its message did not fit in what memory was left.
        var memory = Array.Find(lines, IsOutOfMemory) ?? (exitCode == Cli.FraudWebCommandLine.OutOfMemory ? "out of memory" : null);
        if (memory is not null)
        {
            var limit = memoryLimitMb > 0 ? string.Create(CultureInfo.InvariantCulture, $", GC heap limit {memoryLimitMb} MB") : "";
            return string.Create(CultureInfo.InvariantCulture, $"The training process ran out of memory (exit {exitCode}{limit}): {memory}");
        }
        if (SignalOf(exitCode) is { } signal)
        {
            if (signal == SigKill)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"The training process was killed (signal {signal}, exit {exitCode}) by an operator or the system's out-of-memory killer; its last output: {last}");
            }
            // A crash (SIGABRT) prints the exception first, then its stack: the first line says more than the last.
            var crash = Array.Find(lines, l => l.StartsWith("Unhandled exception", StringComparison.Ordinal)) ?? last;
            return string.Create(CultureInfo.InvariantCulture, $"The training process was stopped by signal {signal} (exit {exitCode}): {crash}");
        }
        return string.Create(CultureInfo.InvariantCulture, $"The training process failed (exit {exitCode}): {last}");
    }

    private static bool IsOutOfMemory(string line) =>
        line.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase)
        || line.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        // E_OUTOFMEMORY: "GC heap initialization failed with error 0x8007000E" when the limit is below what the runtime needs.
        || line.Contains("0x8007000E", StringComparison.OrdinalIgnoreCase);

    /// <summary>On Unix a child ended by a signal reports 128 + the signal (Windows has no signals).</summary>
    private static int? SignalOf(int exitCode) =>
        !OperatingSystem.IsWindows() && exitCode is > 128 and <= 128 + 64 ? exitCode - 128 : null;

    /// <summary>This same program: its apphost when it runs as one, otherwise the dotnet host with FraudWeb.dll.</summary>
    internal static ProcessStartInfo StartInfo()
    {
        var assembly = typeof(ChildProcessTrainer).Assembly.Location;
        var processPath = Environment.ProcessPath ?? "dotnet";
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), Path.GetFileNameWithoutExtension(assembly), StringComparison.Ordinal))
            return new ProcessStartInfo(processPath);
        var host = Path.GetFileNameWithoutExtension(processPath) == "dotnet"
            ? processPath
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } configured ? configured : "dotnet";
        var info = new ProcessStartInfo(host);
        info.ArgumentList.Add(assembly);
        return info;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training process {ProcessId} started (GC heap limit {MemoryLimitMb} MB, 0: none)")]
    private static partial void LogStarted(ILogger logger, int processId, int memoryLimitMb);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not lower the training process's priority: {Reason}")]
    private static partial void LogNoPriority(ILogger logger, string reason);
}
