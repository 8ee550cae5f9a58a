using System.CommandLine;
using System.Diagnostics;

namespace FraudWeb.Cli;

/// <summary>bench-score: one row's score and TreeSHAP explanation (median, p99, bytes allocated), and batch throughput, of a saved model on a feature table.</summary>
internal static class ModelCliBench
{
    public static Command Command(CliConsole console)
    {
        var model = CliOptions.Text("--model", "The model file.", "MODEL", required: true);
        var table = CliOptions.Text("--table", "A feature table CSV with the model's feature columns.", "FILE", required: true);
        var ignore = CliOptions.Names("--ignore", "Columns that are not features (the model's own features are read by name).", "COL,COL");
        var calls = CliOptions.Int("--calls", "Single-row calls timed (default 200000).", 1000, 100_000_000);
        var command = new Command("bench-score", "Time one row's score and TreeSHAP explanation (median, p99, bytes allocated) and batch throughput.")
        {
            model, table, ignore, calls,
        };
        ModelCli.SetAction(command, console, c =>
            BenchScore(c, c.Parse.GetRequiredValue(model), c.Parse.GetRequiredValue(table), CliOptions.List(c.Parse, ignore), c.Parse.GetValue(calls) ?? 200_000));
        return command;
    }

    private static int BenchScore(ModelCliContext c, string modelFile, string path, IReadOnlyList<string> ignore, int calls)
    {
        var (model, _) = ModelCli.LoadModel(modelFile);
        var table = ModelCliTables.Read(path, c);
        ModelCliTables.CheckIgnored(table, ignore, model.FeatureNames, path);
        var x = ModelCliTables.Columns(table, model.FeatureNames, path);
        var width = model.FeatureNames.Count;
        var rows = table.Rows;

        // Warm-up (tiered JIT, the engine pool), then each call timed on its own over successive rows, so p99 is a
        // per-call figure (a timestamp costs about 20 ns, included).
        double sink = 0;
        var contributions = new double[width];
        for (var i = 0; i < 50_000; i++)
        {
            var warm = x.AsSpan((i % rows) * width, width);
            sink += model.PredictProbability(warm) + model.Explain(warm, contributions);
        }

        var (scoreNs, scoreBytes) = Time(calls, rows, r => sink += model.PredictProbability(x.AsSpan(r * width, width)));
        var (explainNs, explainBytes) = Time(Math.Max(1000, calls / 4), rows, r => sink += model.Explain(x.AsSpan(r * width, width), contributions));

        var scores = new double[rows];
        model.PredictProbabilities(x, scores);
        var best = double.MaxValue;
        for (var repeat = 0; repeat < 3; repeat++)
        {
            var start = Stopwatch.GetTimestamp();
            model.PredictProbabilities(x, scores);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        c.Result(new Dictionary<string, object?>
        {
            ["single_row_median_ns"] = Math.Round(scoreNs[scoreNs.Length / 2], 1),
            ["single_row_p90_ns"] = Math.Round(scoreNs[(int)(scoreNs.Length * 0.9)], 1),
            ["single_row_p99_ns"] = Math.Round(scoreNs[(int)(scoreNs.Length * 0.99)], 1),
            ["allocated_bytes_per_call"] = scoreBytes,
            ["explain_median_ns"] = Math.Round(explainNs[explainNs.Length / 2], 1),
            ["explain_p99_ns"] = Math.Round(explainNs[(int)(explainNs.Length * 0.99)], 1),
            ["explain_allocated_bytes_per_call"] = explainBytes,
            ["batch_rows_per_s"] = Math.Round(rows / best),
            ["rows"] = rows,
            ["features"] = width,
            ["trees"] = model.TreeCount,
            ["calls"] = calls,
            ["checksum"] = Math.Round(sink, 3),
        });
        return 0;
    }

    /// <summary>Per-call nanoseconds (sorted) and bytes allocated per call, over <paramref name="calls"/> successive rows.</summary>
    private static (double[] Sorted, double BytesPerCall) Time(int calls, int rows, Action<int> call)
    {
        var ns = new double[calls];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var row = 0;
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call(row);
            ns[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            if (++row == rows) row = 0;
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)calls;
        Array.Sort(ns);
        return (ns, bytes);
    }
}
