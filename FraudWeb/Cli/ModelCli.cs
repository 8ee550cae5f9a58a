using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FraudWeb.Domain.Evaluation;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.IO;
using FraudWeb.Domain.Learning;
using FraudWeb.Domain.Simulation;

namespace FraudWeb.Cli;

/// <summary>
/// The model verbs of the FraudWeb executable (simulate, features, train, evaluate, bench-score). Results go to stdout
/// as one JSON object, progress to stderr; errors are one line on stderr (exit 2 for usage, 1 for bad input).
/// </summary>
public static class ModelCli
{
    private const string ModelVersion = "fraudweb-model-1";

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static readonly Dictionary<string, Func<ModelCliContext, int>> Verbs = new(StringComparer.Ordinal)
    {
        ["simulate"] = Simulate,
        ["features"] = Features,
        ["train"] = Train,
        ["evaluate"] = Evaluate,
        ["bench-score"] = ModelCliBench.BenchScore,
        ["help"] = c =>
        {
            c.Stdout.WriteLine(Usage);
            return 0;
        },
    };

    public const string Usage = """
        usage (dotnet run --project FraudWeb -c Release -- VERB ...):
          help
          simulate --out FILE [--customers 5000] [--terminals 10000] [--days 183] [--start 2018-04-01] [--seed N]
                   [--compromised-terminals 2] [--compromised-customers 3] (per day; 0 turns a fraud scenario off)
          features --transactions FILE --out FILE [--delay-days 7]
          train --transactions FILE --train-start DAY|DATE [--train-days 7] [--delay-days 7] --out MODEL [training flags]
          train --table FILE --label COLUMN [--ignore COL,COL] --out MODEL [training flags]
            training flags (ML.NET FastTree's options): [--threads N] [--trees N] [--leaves N] [--learning-rate X]
                            [--min-leaf 10] [--bins 255] [--seed 42] [--bagging 1.0] [--feature-fraction 1.0]
                            [--sparsify 0.7]
                            [--early-stopping TOLERANCE with --validation-days N (transactions mode: the window's
                             last N days) or --validation-table FILE (table mode)]
                            (defaults: table mode ML.NET FastTree's 100 trees, 20 leaves, 0.2; transactions mode the
                             product's validated shape, TransactionModelDefaults)
                            [--features NAME,NAME (transactions mode: a subset of the feature vector)]
          evaluate --model MODEL --transactions FILE --train-start DAY|DATE [--train-days 7] [--delay-days 7] [--test-days 7]
          evaluate --model MODEL --table FILE --label COLUMN [--ignore COL,COL]
            [--scores-out FILE (CSV: each test example's id, label and score, in evaluation order)]
          bench-score --model MODEL --table FILE [--ignore COL,COL] [--calls 200000]
        """;

    public static bool Handles(string[] args) => args is { Length: > 0 } && Verbs.ContainsKey(args[0]);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            if (args.Length == 0 || !Verbs.TryGetValue(args[0], out var verb))
            {
                throw new ModelCliUsageException(args.Length == 0 ? "missing verb." : $"unknown verb '{args[0]}'.");
            }

            return verb(new ModelCliContext(args[0], args[1..], stdout, stderr));
        }
        catch (ModelCliUsageException e)
        {
            stderr.WriteLine($"error: {e.Message} (usage: FraudWeb help)");
            return 2;
        }
        catch (Exception e) when (e is ModelCliInputException or CsvFormatException or ModelFormatException
                                      or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            return 1;
        }
#pragma warning disable CA1031 // The CLI's last line of defence: one line on stderr, never a stack trace.
        catch (Exception e)
        {
            stderr.WriteLine($"error: {e.GetType().Name}: {OneLine(e.Message)}");
            return 1;
        }
#pragma warning restore CA1031
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static int Simulate(ModelCliContext c)
    {
        var a = c.Arguments("out", "customers", "terminals", "days", "start", "seed", "compromised-terminals", "compromised-customers");
        var output = a.Required("out");
        var options = new SimulatorOptions
        {
            Customers = a.Int("customers", 5000, 1, 10_000_000),
            Terminals = a.Int("terminals", 10000, 1, 10_000_000),
            Days = a.Int("days", 183, 1, 3650),
            Start = a.Date("start", new DateTime(2018, 4, 1, 0, 0, 0, DateTimeKind.Utc)),
            Seed = a.Int("seed", 1, int.MinValue, int.MaxValue),
        };
        options = options with
        {
            CompromisedTerminalsPerDay = a.Int("compromised-terminals", options.CompromisedTerminalsPerDay, 0, options.Terminals),
            CompromisedCustomersPerDay = a.Int("compromised-customers", options.CompromisedCustomersPerDay, 0, options.Customers),
        };
        var clock = Stopwatch.StartNew();
        var result = TransactionSimulator.Generate(options);
        var generated = clock.Elapsed.TotalSeconds;
        c.Progress($"simulated {result.Transactions.Count} transactions in {generated:F2} s; writing {output}");
        Write(output, path => RawTransactionCsv.Write(path, result.Transactions));
        var frauds = result.Transactions.Count(t => t.IsFraud);
        c.Result(new Dictionary<string, object?>
        {
            ["transactions"] = result.Transactions.Count,
            ["frauds"] = frauds,
            ["customers"] = options.Customers,
            ["terminals"] = options.Terminals,
            ["days"] = options.Days,
            ["seed"] = options.Seed,
            ["generate_seconds"] = Math.Round(generated, 3),
            ["out"] = output,
        });
        return 0;
    }

    private static int Features(ModelCliContext c)
    {
        var a = c.Arguments("transactions", "out", "delay-days");
        var input = a.Required("transactions");
        var output = a.Required("out");
        var featureOptions = new FeatureOptions { LabelDelayDays = a.Int("delay-days", 7, 0, 365) };
        var data = TransactionData.Load(input, featureOptions, c);
        var columns = TransactionFeatures.Names.Concat(["tx_fraud", "customer_id", "day", "transaction_id"]).ToArray();
        var width = TransactionFeatures.Names.Count;
        var table = new float[data.Records.Count * (long)columns.Length];
        for (var i = 0; i < data.Records.Count; i++)
        {
            var target = table.AsSpan(i * columns.Length, columns.Length);
            data.Features.AsSpan(i * width, width).CopyTo(target);
            target[width] = data.Records[i].IsFraud ? 1 : 0;
            target[width + 1] = data.Records[i].CustomerId;
            target[width + 2] = data.Days[i];
            target[width + 3] = data.Records[i].TransactionId;
        }

        Write(output, path =>
        {
            using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
            FeatureTableCsv.Write(writer, columns, table);
        });
        c.Result(new Dictionary<string, object?> { ["rows"] = data.Records.Count, ["columns"] = columns.Length, ["out"] = output });
        return 0;
    }

    private static int Train(ModelCliContext c)
    {
        string[] common = ["out", "threads", "trees", "leaves", "learning-rate", "min-leaf", "bins", "seed", "bagging", "feature-fraction", "sparsify", "early-stopping"];
        var tableMode = c.HasFlag("table");
        if (!tableMode && !c.HasFlag("transactions")) throw new ModelCliUsageException($"{c.Verb}: missing required flag --transactions FILE (or --table FILE).");
        var a = tableMode
            ? c.Arguments([.. common, "table", "label", "ignore", "validation-table"])
            : c.Arguments([.. common, "transactions", "train-start", "train-days", "delay-days", "features", "validation-days"]);
        var output = a.Required("out");
        // Table mode keeps ML.NET FastTree's defaults (the speed benchmark's shape); transactions mode uses the settings
        // validated for the transaction features. Flags override either.
        var threads = a.Int("threads", Environment.ProcessorCount, 1, 1024);
        var defaults = tableMode ? new BoostedTreesOptions { Threads = threads } : TransactionModelDefaults.Training(threads);
        var options = defaults with
        {
            NumberOfTrees = a.Int("trees", defaults.NumberOfTrees, 1, 100_000),
            NumberOfLeaves = a.Int("leaves", defaults.NumberOfLeaves, 2, 1 << 16),
            LearningRate = a.Double("learning-rate", defaults.LearningRate, 1e-6, 10),
            MinimumExampleCountPerLeaf = a.Int("min-leaf", defaults.MinimumExampleCountPerLeaf, 1, int.MaxValue),
            MaximumBinCountPerFeature = a.Int("bins", defaults.MaximumBinCountPerFeature, 2, 65_535),
            Seed = a.Int("seed", defaults.Seed, int.MinValue, int.MaxValue),
            BaggingFraction = a.Double("bagging", defaults.BaggingFraction, 1e-3, 1),
            FeatureFraction = a.Double("feature-fraction", defaults.FeatureFraction, 1e-3, 1),
            SparsifyThreshold = a.Double("sparsify", defaults.SparsifyThreshold, 0, 1),
            EarlyStoppingTolerance = a.Double("early-stopping", 0, 0, 1e9),
        };
        var earlyStopping = options.EarlyStoppingTolerance > 0;
        if (earlyStopping != (a.Has("validation-days") || a.Has("validation-table")))
            throw new ModelCliUsageException($"{c.Verb}: --early-stopping and --validation-{(tableMode ? "table" : "days")} go together.");

        Dataset train;
        Dataset? validation = null;
        DateTime? windowStart = null, windowEnd = null;
        var extra = new Dictionary<string, object?>();
        if (tableMode)
        {
            var table = ModelCliTables.Read(a.Required("table"), c);
            train = ModelCliTables.ToDataset(table, a.Required("label"), a.List("ignore"), a.Required("table"));
            RequireEveryValue(train, a.Required("table"));
            if (a.Optional("validation-table") is { } validationFile)
            {
                validation = ModelCliTables.ToDataset(ModelCliTables.Read(validationFile, c), a.Required("label"), a.List("ignore"), validationFile);
            }
        }
        else
        {
            var input = a.Required("transactions");
            var featureOptions = new FeatureOptions { LabelDelayDays = a.Int("delay-days", 7, 0, 365) };
            var data = TransactionData.Load(input, featureOptions, c);
            var start = a.Day("train-start", data.Day0);
            var days = a.Int("train-days", 7, 1, 3650);
            var rows = Enumerable.Range(0, data.Records.Count).Where(i => data.Days[i] >= start && data.Days[i] < start + days).ToArray();
            if (rows.Length == 0) throw new ModelCliInputException($"{input}: no transactions in the training window (days {start} to {start + days - 1}).");
            var names = a.Has("features") ? a.List("features") : TransactionFeatures.Names;
            if (earlyStopping)
            {
                // The window's last days validate; the model learns from the days before them (no test day is seen).
                var validationDays = a.Int("validation-days", 1, 1, days - 1);
                var validationRows = rows.Where(i => data.Days[i] >= start + days - validationDays).ToArray();
                rows = rows.Where(i => data.Days[i] < start + days - validationDays).ToArray();
                if (rows.Length == 0 || validationRows.Length == 0) throw new ModelCliInputException($"{input}: --validation-days {validationDays} leaves no training or no validation rows.");
                validation = data.ToDataset(validationRows, names, "--features");
            }
            train = data.ToDataset(rows, names, "--features");
            windowStart = data.Day0.AddDays(start);
            windowEnd = data.Day0.AddDays(start + days);
            extra["train_start_day"] = start;
            extra["train_start"] = windowStart.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }

        var frauds = train.Labels.Count(l => l > 0.5f);
        if (frauds == 0 || frauds == train.Rows) throw new ModelCliInputException("the training data must contain both frauds and legitimate rows.");
        c.Progress($"training on {train.Rows} rows x {train.Columns} features ({frauds} frauds), {options.NumberOfTrees} trees, {options.Threads} threads");
        var clock = Stopwatch.StartNew();
        var model = FastTreeTrainer.Train(train, options, validation, c);
        var fit = clock.Elapsed.TotalSeconds;

        var scores = new double[train.Rows];
        model.PredictProbabilities(train.Features, scores);
        var labels = train.Labels.Select(l => l > 0.5f).ToArray();
        var trainAuc = Metrics.AucRoc(scores, labels);
        var metadata = new ModelMetadata
        {
            Version = ModelVersion,
            CreatedUtc = DateTime.UtcNow,
            TrainingWindowStart = windowStart,
            TrainingWindowEnd = windowEnd,
            TrainingRows = train.Rows,
            TrainingFrauds = frauds,
            Metrics = new Dictionary<string, double>
            {
                ["train_auc"] = trainAuc,
                ["train_logloss"] = Metrics.LogLoss(scores, labels),
                ["fit_seconds"] = fit,
            },
        };
        Write(output, path =>
        {
            using var stream = File.Create(path);
            ModelFile.Save(stream, model, metadata);
        });

        var result = new Dictionary<string, object?>
        {
            ["fit_seconds"] = Math.Round(fit, 3),
            ["rows"] = train.Rows,
            ["features"] = train.Columns,
            ["trees"] = model.TreeCount,
            ["frauds"] = frauds,
            ["threads"] = options.Threads,
            ["train_auc"] = Math.Round(trainAuc, 6),
        };
        foreach (var (k, v) in extra) result[k] = v;
        result["out"] = output;
        c.Result(result);
        return 0;
    }

    private static int Evaluate(ModelCliContext c)
    {
        var tableMode = c.HasFlag("table");
        if (!tableMode && !c.HasFlag("transactions")) throw new ModelCliUsageException($"{c.Verb}: missing required flag --transactions FILE (or --table FILE).");
        var a = tableMode
            ? c.Arguments("model", "table", "label", "ignore", "scores-out")
            : c.Arguments("model", "transactions", "train-start", "train-days", "delay-days", "test-days", "scores-out");
        var (model, metadata) = LoadModel(a.Required("model"));
        var result = new Dictionary<string, object?>();
        double[] scores;
        bool[] labels;
        if (tableMode)
        {
            var file = a.Required("table");
            var table = ModelCliTables.Read(file, c);
            var label = a.Required("label");
            var matrix = ModelCliTables.Columns(table, model.FeatureNames, file);
            labels = ModelCliTables.Labels(table, label, file);
            scores = new double[table.Rows];
            model.PredictProbabilities(matrix, scores);
            result["auc"] = Round(Metrics.AucRoc(scores, labels));
            result["ap"] = Round(Metrics.AveragePrecision(scores, labels));
            int dayColumn = table.IndexOf("day"), cardColumn = table.IndexOf("customer_id");
            if (dayColumn >= 0 && cardColumn >= 0)
            {
                var days = table.Column(dayColumn).Select(v => (int)v).ToArray();
                var cards = table.Column(cardColumn).Select(v => (long)v).ToArray();
                result["cp100"] = Round(Metrics.CardPrecisionAtK(scores, labels, days, cards, 100));
            }

            if (a.Optional("scores-out") is { } scoresOut)
            {
                WriteScores(scoresOut, "row", Enumerable.Range(1, scores.Length).Select(r => (long)r).ToArray(), null, null, labels, scores);
            }
        }
        else
        {
            var input = a.Required("transactions");
            var featureOptions = new FeatureOptions { LabelDelayDays = a.Int("delay-days", 7, 0, 365) };
            var data = TransactionData.Load(input, featureOptions, c);
            var start = a.Day("train-start", data.Day0);
            var split = HandbookProtocol.Split(data.Records, data.Days, start,
                a.Int("train-days", 7, 1, 3650), featureOptions.LabelDelayDays, a.Int("test-days", 7, 1, 3650));
            if (split.TestRows.Length == 0) throw new ModelCliInputException($"{input}: no transactions in the test days.");
            var test = data.ToDataset(split.TestRows, model.FeatureNames, "the model's features");
            scores = new double[test.Rows];
            model.PredictProbabilities(test.Features, scores);
            labels = test.Labels.Select(l => l > 0.5f).ToArray();
            var days = split.TestRows.Select(i => data.Days[i]).ToArray();
            var cards = split.TestRows.Select(i => data.Records[i].CustomerId).ToArray();
            result["auc"] = Round(Metrics.AucRoc(scores, labels));
            result["ap"] = Round(Metrics.AveragePrecision(scores, labels));
            result["cp100"] = Round(Metrics.CardPrecisionAtK(scores, labels, days, cards, 100));
            if (a.Optional("scores-out") is { } scoresOut)
            {
                var ids = split.TestRows.Select(i => data.Records[i].TransactionId).ToArray();
                WriteScores(scoresOut, "transaction_id", ids, days, cards, labels, scores);
            }

            result["train_rows"] = split.TrainRows.Length;
            result["test_start_day"] = days.Length > 0 ? days.Min() : null;
        }

        result["rows"] = scores.Length;
        result["frauds"] = labels.Count(l => l);
        result["logloss"] = Round(Metrics.LogLoss(scores, labels));
        var best = Metrics.AtThreshold(scores, labels, 0.5);
        result["precision_at_0_5"] = Round(best.Precision);
        result["recall_at_0_5"] = Round(best.Recall);
        result["model_rows"] = metadata.TrainingRows;
        c.Result(result);
        return 0;
    }

    /// <summary>ML.NET's FastTree drops a training row with a missing value silently: name the first one instead.</summary>
    private static void RequireEveryValue(Dataset data, string path)
    {
        for (var i = 0; i < data.Features.Length; i++)
        {
            if (!float.IsFinite(data.Features[i]))
            {
                var (row, column) = Math.DivRem(i, data.Columns);
                throw new ModelCliInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}:{FeatureTable.LineOf(row)}: feature '{data.FeatureNames[column]}' is {(float.IsNaN(data.Features[i]) ? "missing" : "infinite")}; training needs a number in every feature (ML.NET would drop the row silently)."));
            }
        }
    }

    /// <summary>One row per scored example, in evaluation order, so metrics can be recomputed or compared outside.</summary>
    private static void WriteScores(string path, string idColumn, long[] ids, int[]? days, long[]? cards, bool[] labels, double[] scores) =>
        Write(path, p =>
        {
            using var writer = new StreamWriter(p);
            writer.WriteLine(days is null ? $"{idColumn},tx_fraud,score" : $"{idColumn},day,customer_id,tx_fraud,score");
            for (var i = 0; i < scores.Length; i++)
            {
                var key = days is null ? ids[i].ToString(CultureInfo.InvariantCulture)
                    : string.Create(CultureInfo.InvariantCulture, $"{ids[i]},{days[i]},{cards![i]}");
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key},{(labels[i] ? 1 : 0)},{scores[i]:R}"));
            }
        });

    internal static (FastTreeModel Model, ModelMetadata Metadata) LoadModel(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return ModelFile.Load(stream);
        }
        catch (ModelFormatException e)
        {
            throw new ModelCliInputException($"{path}: not a valid model file ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelCliInputException($"{path}: cannot read the model ({e.Message})");
        }
    }

    private static void Write(string path, Action<string> write)
    {
        try
        {
            write(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelCliInputException($"{path}: cannot write ({e.Message})");
        }
    }

    private static double Round(double v) => double.IsFinite(v) ? Math.Round(v, 6) : v;

    internal static string ToJson(Dictionary<string, object?> values) => JsonSerializer.Serialize(values, Json);
}

/// <summary>One verb's invocation: its arguments and output streams; also the trainer's progress sink (to stderr).</summary>
internal sealed class ModelCliContext(string verb, string[] args, TextWriter stdout, TextWriter stderr) : IProgress<string>
{
    public string Verb { get; } = verb;
    public string[] Args { get; } = args;
    public TextWriter Stdout { get; } = stdout;
    public TextWriter Stderr { get; } = stderr;

    public ModelCliArguments Arguments(params string[] known) => new(Verb, Args, known);

    public void Progress(string message) => Stderr.WriteLine(message);

    /// <summary>Whether the flag is given (as "--name value" or "--name=value"); picks a verb's mode before full parsing.</summary>
    public bool HasFlag(string name) =>
        Args.Any(a => a == "--" + name || a.StartsWith("--" + name + "=", StringComparison.Ordinal));

    public void Result(Dictionary<string, object?> values) => Stdout.WriteLine(ModelCli.ToJson(values));

    void IProgress<string>.Report(string value) => Progress(value);
}
