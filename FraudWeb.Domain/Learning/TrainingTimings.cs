using System.Diagnostics;
using System.Globalization;

namespace FraudWeb.Domain.Learning;

/// <summary>Wall time per training phase, reported once at the end so speed work can be measured, not guessed.</summary>
internal sealed class TrainingTimings
{
    private readonly long[] _ticks = new long[Names.Length];

    public static readonly string[] Names = ["binning", "gradients", "root histogram", "child histograms", "split finding", "partition", "score update"];

    public const int Binning = 0, Gradients = 1, RootHistogram = 2, ChildHistograms = 3, SplitFinding = 4, Partition = 5, ScoreUpdate = 6;

    /// <summary>Verbose diagnostics: the breakdown is reported only when FRAUDWEB_TRAINING_TIMINGS=1.</summary>
    public static bool Requested => Environment.GetEnvironmentVariable("FRAUDWEB_TRAINING_TIMINGS") == "1";

    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="start"/> to a phase and returns now, for chaining.</summary>
    public long Add(int phase, long start)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[phase] += now - start;
        return now;
    }

    public override string ToString()
    {
        var parts = new string[Names.Length];
        for (int i = 0; i < Names.Length; i++)
            parts[i] = string.Create(CultureInfo.InvariantCulture, $"{Names[i]} {(double)_ticks[i] / Stopwatch.Frequency:F3}");
        return "timing (s): " + string.Join(", ", parts);
    }
}
