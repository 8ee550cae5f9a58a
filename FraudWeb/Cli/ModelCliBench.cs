using System.Diagnostics;

namespace FraudWeb.Cli;

/// <summary>bench-score: single-row latency and allocations, and batch throughput, of a saved model on a feature table.</summary>
internal static class ModelCliBench
{
    public static int BenchScore(ModelCliContext c)
    {
        var a = c.Arguments("model", "table", "ignore", "calls");
        var (model, _) = ModelCli.LoadModel(a.Required("model"));
        var path = a.Required("table");
        var table = ModelCliTables.Read(path, c);
        var x = ModelCliTables.Columns(table, model.FeatureNames, path);
        var width = model.FeatureNames.Count;
        var rows = table.Rows;
        var calls = a.Int("calls", 200_000, 1000, 100_000_000);

        // Warm-up (tiered JIT), then timed blocks of 1000 calls over successive rows.
        double sink = 0;
        for (var i = 0; i < 50_000; i++) sink += model.PredictProbability(x.AsSpan((i % rows) * width, width));
        const int Block = 1000;
        var blocks = calls / Block;
        var perCall = new double[blocks];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var row = 0;
        for (var b = 0; b < blocks; b++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < Block; i++)
            {
                sink += model.PredictProbability(x.AsSpan(row * width, width));
                if (++row == rows) row = 0;
            }

            perCall[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Block;
        }

        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)(blocks * Block);
        Array.Sort(perCall);

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
            ["single_row_median_ns"] = Math.Round(perCall[perCall.Length / 2], 1),
            ["single_row_p90_ns"] = Math.Round(perCall[(int)(perCall.Length * 0.9)], 1),
            ["allocated_bytes_per_call"] = allocated,
            ["batch_rows_per_s"] = Math.Round(rows / best),
            ["rows"] = rows,
            ["features"] = width,
            ["trees"] = model.TreeCount,
            ["calls"] = blocks * Block,
            ["checksum"] = Math.Round(sink, 3),
        });
        return 0;
    }
}
