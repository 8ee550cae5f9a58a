using System.Runtime.InteropServices;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FraudWeb.Domain.Evaluation;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.IO;
using FraudWeb.Domain.Learning;
using FraudWeb.Domain.Simulation;
using FraudWeb.Infrastructure.Security;
using static FraudWeb.Cli.CliOptions;

namespace FraudWeb.Cli;

/// <summary>
/// The model verbs (simulate, features, train, evaluate, bench-score) and bench-rules: domain code only, no web host.
/// Results go to stdout as one JSON object, progress to stderr.
/// </summary>
public static class ModelCli
{
    private const string ModelVersion = "fraudweb-model-1";

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    internal static IEnumerable<Command> Commands(CliConsole console)
    {
        yield return SimulateCommand(console);
        yield return FeaturesCommand(console);
        yield return TrainCommand(console);
        yield return EvaluateCommand(console);
        yield return ModelCliBench.Command(console);
        yield return RulesBench.Command(console);
    }

    /// <summary>Runs a verb's body with its context; its exceptions become exit codes.</summary>
    internal static void SetAction(Command command, CliConsole console, Func<ModelCliContext, int> verb)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Validators.Add(result => RefuseOutputOverInput(command, result));
        command.SetAction(parse => FraudWebCommandLine.GuardAsync(console.Error,
            () => Task.FromResult(verb(new ModelCliContext(parse, console.Out, console.Error)))));
    }

    private static readonly string[] OutputOptions = ["--out", "--scores-out"];
    private static readonly string[] InputOptions = ["--table", "--validation-table", "--transactions", "--model"];

    /// <summary>An output naming one of the verb's inputs would overwrite it (a feature table replaced by a model): a usage error.</summary>
    private static void RefuseOutputOverInput(Command command, System.CommandLine.Parsing.CommandResult result)
    {
        // From the tokens: GetValue throws on an option given twice, whose arity error the parser reports itself.
        var given = command.Options.OfType<Option<string>>()
            .Select(o => (o.Name, Value: result.GetResult(o)?.Tokens is [var token] ? token.Value : null))
            .Where(o => !string.IsNullOrWhiteSpace(o.Value)).ToList();
        foreach (var output in given.Where(o => OutputOptions.Contains(o.Name)))
        {
            foreach (var input in given.Where(o => InputOptions.Contains(o.Name) && SamePath(o.Value!, output.Value!)))
                result.AddError($"{output.Name} {output.Value} is also {input.Name}: it would be overwritten. Write to another file.");
        }
    }

    private static bool SamePath(string a, string b)
    {
        try
        {
            return string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    private static Option<int?> DelayDays() => Int("--delay-days", "Days before a transaction's label is known to the features (default 7).", 0, 365);

    private static Option<string> TrainStart()
    {
        var option = Text("--train-start", "First training day: a day number from the first transaction's date, or an ISO date.", "DAY|DATE");
        // Its form is checked with the other options, before the transactions are read (operator test: a typo was told
        // after the whole file, without the usage line); whether a date is after the first transaction's, after.
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count != 1 || result.Tokens[0].Value is not { Length: > 0 } value) return;
            if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var day))
            {
                if (day < 0) result.AddError($"--train-start '{value}' must not be negative.");
            }
            else if (!IsoTimestamp.TryParse(value, out _))
            {
                result.AddError($"--train-start '{value}' is neither a day number nor an ISO date.");
            }
        });
        return option;
    }

    /// <summary>
    /// train and evaluate read either raw transactions or a feature table: exactly one of the two, each mode's own
    /// options only with it, and its required ones.
    /// </summary>
    private static void Modes(Command command, Option<string> table, Option[] tableOnly, Option[] requiredWithTable,
        Option<string> transactions, Option[] transactionsOnly, Option[] requiredWithTransactions)
    {
        command.Validators.Add(result =>
        {
            var tableMode = result.GetResult(table) is not null;
            if (tableMode == (result.GetResult(transactions) is not null))
            {
                result.AddError($"{command.Name} needs either --transactions FILE or --table FILE.");
                return;
            }

            var (mode, other, required) = tableMode ? (table, transactionsOnly, requiredWithTable) : (transactions, tableOnly, requiredWithTransactions);
            foreach (var option in other.Where(o => result.GetResult(o) is not null))
                result.AddError($"{option.Name} does not go with {mode.Name}.");
            foreach (var option in required.Where(o => result.GetResult(o) is null))
                result.AddError($"Option '{option.Name}' is required with {mode.Name}.");
        });
    }

    private static Command SimulateCommand(CliConsole console)
    {
        var output = Text("--out", "The raw transaction CSV to write.", "FILE", required: true);
        var customers = Int("--customers", "Card holders (default 5000).", 1, 10_000_000);
        var terminals = Int("--terminals", "Terminals (default 10000).", 1, 10_000_000);
        var days = Int("--days", "Days simulated (default 183).", 1, 3650);
        var start = Date("--start", "The first day (default 2018-04-01).");
        var seed = Int("--seed", "Random seed (default 1).", int.MinValue, int.MaxValue);
        var compromisedTerminals = Int("--compromised-terminals", "Terminals compromised per day (default 2, or every terminal if fewer; 0 turns the scenario off).", 0, 10_000_000);
        var compromisedCustomers = Int("--compromised-customers", "Card holders compromised per day (default 3, or every card holder if fewer; 0 turns the scenario off).", 0, 10_000_000);
        var command = new Command("simulate", "Simulate card transactions with fraud scenarios into a raw transaction CSV.")
        {
            output, customers, terminals, days, start, seed, compromisedTerminals, compromisedCustomers,
        };
        SetAction(command, console, c =>
        {
            var p = c.Parse;
            var options = new SimulatorOptions
            {
                Customers = p.GetValue(customers) ?? 5000,
                Terminals = p.GetValue(terminals) ?? 10000,
                Days = p.GetValue(days) ?? 183,
                Start = p.GetValue(start) ?? new DateTime(2018, 4, 1, 0, 0, 0, DateTimeKind.Utc),
                Seed = p.GetValue(seed) ?? 1,
            };
            // The last day's transactions must have a date (a start near 9999 ran off the calendar mid-write).
            if (options.Start > DateTime.MaxValue.AddDays(-options.Days - 1))
                throw new CliUsageException($"--start {options.Start:yyyy-MM-dd} with --days {options.Days} runs past the year 9999.");
            options = options with
            {
                CompromisedTerminalsPerDay = AtMost(p.GetValue(compromisedTerminals), compromisedTerminals.Name, options.CompromisedTerminalsPerDay, options.Terminals),
                CompromisedCustomersPerDay = AtMost(p.GetValue(compromisedCustomers), compromisedCustomers.Name, options.CompromisedCustomersPerDay, options.Customers),
            };
            return Simulate(c, p.GetRequiredValue(output), options);
        });
        return command;
    }

    /// <summary>A value whose upper bound depends on another option; the fallback (the simulator's default) is already within it.</summary>
    private static int AtMost(int? value, string name, int fallback, int max) =>
        value is not { } v ? fallback
        : v <= max ? v
        : throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"{name} '{v}' must be an integer in [0, {max}]."));

    private static Command FeaturesCommand(CliConsole console)
    {
        var transactions = Text("--transactions", "The raw transaction CSV.", "FILE", required: true);
        var output = Text("--out", "The feature table CSV to write (features, tx_fraud, customer_id, day, transaction_id).", "FILE", required: true);
        var delayDays = DelayDays();
        var command = new Command("features", "Compute the feature vector of every transaction into a feature table.") { transactions, output, delayDays };
        SetAction(command, console, c => Features(c, c.Parse.GetRequiredValue(transactions), c.Parse.GetRequiredValue(output),
            new FeatureOptions { LabelDelayDays = c.Parse.GetValue(delayDays) ?? 7 }));
        return command;
    }

    private static Command TrainCommand(CliConsole console)
    {
        var output = Text("--out", "The model file to write.", "MODEL", required: true);
        var table = Text("--table", "Table mode: a feature table CSV (keeps ML.NET FastTree's defaults: 100 trees, 20 leaves, 0.2).", "FILE");
        var label = Text("--label", "Table mode: the 0/1 label column.", "COLUMN");
        var ignore = Names("--ignore", "Table mode: columns that are not features.", "COL,COL");
        var validationTable = Text("--validation-table", "Table mode: the feature table that --early-stopping validates on.", "FILE");
        var transactions = Text("--transactions", "Transactions mode: a raw transaction CSV (defaults: the product's validated shape, TransactionModelDefaults).", "FILE");
        var trainStart = TrainStart();
        var trainDays = Int("--train-days", "Transactions mode: days in the training window (default 7).", 1, 3650);
        var delayDays = DelayDays();
        var features = Names("--features", "Transactions mode: a subset of the feature vector.", "NAME,NAME");
        var validationDays = Int("--validation-days", "Transactions mode: the window's last N days validate --early-stopping.", 1, 3649);
        var training = new TrainingOptions();
        var command = new Command("train", "Train a model (ML.NET FastTree) on raw transactions or on a feature table.")
        {
            output, table, label, ignore, validationTable, transactions, trainStart, trainDays, delayDays, features, validationDays,
        };
        foreach (var option in training.All) command.Options.Add(option);
        Modes(command, table, [label, ignore, validationTable], [label],
            transactions, [trainStart, trainDays, delayDays, features, validationDays], [trainStart]);
        SetAction(command, console, c => Train(c, new TrainArguments(
            c.Parse.GetRequiredValue(output), training, c.Parse.GetValue(table), c.Parse.GetValue(label), List(c.Parse, ignore),
            c.Parse.GetValue(validationTable), c.Parse.GetValue(transactions), c.Parse.GetValue(trainStart), c.Parse.GetValue(trainDays),
            c.Parse.GetValue(delayDays), Has(c.Parse, features) ? List(c.Parse, features) : null, c.Parse.GetValue(validationDays))));
        return command;
    }

    /// <summary>ML.NET FastTree's options, one flag each; absent ones keep the mode's defaults.</summary>
    private sealed class TrainingOptions
    {
        public Option<int?> Threads { get; } = Int("--threads", "Training threads (default: the processor count).", 1, 1024);
        public Option<int?> Trees { get; } = Int("--trees", "Number of trees.", 1, 100_000);
        public Option<int?> Leaves { get; } = Int("--leaves", "Leaves per tree.", 2, 1 << 16);
        public Option<double?> LearningRate { get; } = Double("--learning-rate", "Learning rate.", 1e-6, 10);
        public Option<int?> MinLeaf { get; } = Int("--min-leaf", "Minimum examples per leaf.", 1, int.MaxValue);
        public Option<int?> Bins { get; } = Int("--bins", "Maximum bins per feature.", 2, 65_535);
        public Option<int?> Seed { get; } = Int("--seed", "Random seed.", int.MinValue, int.MaxValue);
        public Option<double?> Bagging { get; } = Double("--bagging", "Bagging fraction.", 1e-3, 1);
        public Option<double?> FeatureFraction { get; } = Double("--feature-fraction", "Feature fraction per tree.", 1e-3, 1);
        public Option<double?> Sparsify { get; } = Double("--sparsify", "Sparsify threshold.", 0, 1);
        public Option<double?> EarlyStopping { get; } = Double("--early-stopping", "Early-stopping tolerance, above 0; needs --validation-days (transactions) or --validation-table (table).", 0, 1e9);

        public Option[] All => [Threads, Trees, Leaves, LearningRate, MinLeaf, Bins, Seed, Bagging, FeatureFraction, Sparsify, EarlyStopping];

        public BoostedTreesOptions Apply(ParseResult p, bool tableMode)
        {
            var threads = p.GetValue(Threads) ?? Environment.ProcessorCount;
            var defaults = tableMode ? new BoostedTreesOptions { Threads = threads } : TransactionModelDefaults.Training(threads);
            return defaults with
            {
                NumberOfTrees = p.GetValue(Trees) ?? defaults.NumberOfTrees,
                NumberOfLeaves = p.GetValue(Leaves) ?? defaults.NumberOfLeaves,
                LearningRate = p.GetValue(LearningRate) ?? defaults.LearningRate,
                MinimumExampleCountPerLeaf = p.GetValue(MinLeaf) ?? defaults.MinimumExampleCountPerLeaf,
                MaximumBinCountPerFeature = p.GetValue(Bins) ?? defaults.MaximumBinCountPerFeature,
                Seed = p.GetValue(Seed) ?? defaults.Seed,
                BaggingFraction = p.GetValue(Bagging) ?? defaults.BaggingFraction,
                FeatureFraction = p.GetValue(FeatureFraction) ?? defaults.FeatureFraction,
                SparsifyThreshold = p.GetValue(Sparsify) ?? defaults.SparsifyThreshold,
                EarlyStoppingTolerance = p.GetValue(EarlyStopping) ?? 0,
            };
        }
    }

    private sealed record TrainArguments(
        string Output, TrainingOptions Training, string? Table, string? Label, IReadOnlyList<string> Ignore, string? ValidationTable,
        string? Transactions, string? TrainStart, int? TrainDays, int? DelayDays, IReadOnlyList<string>? Features, int? ValidationDays);

    private static Command EvaluateCommand(CliConsole console)
    {
        var model = Text("--model", "The model file.", "MODEL", required: true);
        var table = Text("--table", "Table mode: a feature table CSV with the model's feature columns.", "FILE");
        var label = Text("--label", "Table mode: the 0/1 label column.", "COLUMN");
        var ignore = Names("--ignore", "Table mode: columns that are not features (the model's own features are read by name).", "COL,COL");
        var transactions = Text("--transactions", "Transactions mode: a raw transaction CSV, split as the handbook does.", "FILE");
        var trainStart = TrainStart();
        var trainDays = Int("--train-days", "Transactions mode: days in the training window (default 7).", 1, 3650);
        var delayDays = DelayDays();
        var testDays = Int("--test-days", "Transactions mode: test days after the delay (default 7).", 1, 3650);
        var scoresOut = Text("--scores-out", "Also write each test example's id, label and score (CSV, in evaluation order).", "FILE");
        var command = new Command("evaluate", "Evaluate a model: AUC, average precision, card precision@100, log loss, precision and recall at 0.5.")
        {
            model, table, label, ignore, transactions, trainStart, trainDays, delayDays, testDays, scoresOut,
        };
        Modes(command, table, [label, ignore], [label], transactions, [trainStart, trainDays, delayDays, testDays], [trainStart]);
        SetAction(command, console, c =>
        {
            var p = c.Parse;
            return Evaluate(c, p.GetRequiredValue(model), p.GetValue(table), p.GetValue(label), List(p, ignore), p.GetValue(transactions), p.GetValue(trainStart),
                p.GetValue(trainDays) ?? 7, p.GetValue(delayDays), p.GetValue(testDays) ?? 7, p.GetValue(scoresOut));
        });
        return command;
    }

    private static int Simulate(ModelCliContext c, string output, SimulatorOptions options)
    {
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

    private static int Features(ModelCliContext c, string input, string output, FeatureOptions featureOptions)
    {
        var data = TransactionData.Load(input, featureOptions, c);
        // The label, ids and days as integers: through a float, ids above 2^24 would merge (cards in CP@100).
        string[] integerColumns = ["tx_fraud", "customer_id", "day", "transaction_id"];
        var integers = new long[data.Records.Count * (long)integerColumns.Length];
        for (var i = 0; i < data.Records.Count; i++)
        {
            var target = integers.AsSpan(i * integerColumns.Length, integerColumns.Length);
            target[0] = data.Records[i].IsFraud ? 1 : 0;
            target[1] = data.Records[i].CustomerId;
            target[2] = data.Days[i];
            target[3] = data.Records[i].TransactionId;
        }

        Write(output, path =>
        {
            using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
            FeatureTableCsv.Write(writer, TransactionFeatures.Names, data.Features, integerColumns, integers);
        });
        c.Result(new Dictionary<string, object?> { ["rows"] = data.Records.Count, ["columns"] = TransactionFeatures.Names.Count + integerColumns.Length, ["out"] = output });
        return 0;
    }

    private static int Train(ModelCliContext c, TrainArguments a)
    {
        Services.Models.ChildProcessTrainer.ExitWithParent();
        var tableMode = a.Table is not null;
        var output = a.Output;
        // Table mode keeps ML.NET FastTree's defaults (the speed benchmark's shape); transactions mode uses the settings
        // validated for the transaction features. Flags override either.
        var options = a.Training.Apply(c.Parse, tableMode);
        // Signed when FRAUDWEB_MODEL_SIGNING_KEY is set (the web app's training child); unsigned bench files otherwise.
        // Read first: a key that cannot be used is said before the training, not after it.
        var signingKey = ModelKeyProvider.FromEnvironment();
        if (c.Parse.GetValue(a.Training.EarlyStopping) is 0)
            throw new CliUsageException("--early-stopping '0' must be above 0 (leave it out to grow every tree).");
        var earlyStopping = options.EarlyStoppingTolerance > 0;
        if (earlyStopping != (a.ValidationDays is not null || a.ValidationTable is not null))
            throw new CliUsageException($"train: --early-stopping and --validation-{(tableMode ? "table" : "days")} go together.");
        // Before the data is read: a model with two identically named features could not be told apart by name.
        if (a.Features?.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new CliUsageException($"--features: '{twice.Key}' is listed twice.");

        Dataset train;
        Dataset? validation = null;
        DateTime? windowStart = null, windowEnd = null;
        var extra = new Dictionary<string, object?>();
        if (tableMode)
        {
            var table = ModelCliTables.Read(a.Table!, c, [a.Label!]);
            train = ModelCliTables.ToDataset(table, a.Label!, a.Ignore, a.Table!);
            RequireEveryValue(train, table, a.Table!);
            if (a.ValidationTable is { } validationFile)
            {
                // The training set's features, found by name: the validation file may order its columns otherwise.
                var validationTable = ModelCliTables.Read(validationFile, c, [a.Label!]);
                var validationLabels = ModelCliTables.Labels(validationTable, a.Label!, validationFile).Select(b => b ? 1f : 0f).ToArray();
                validation = new Dataset(ModelCliTables.Columns(validationTable, train.FeatureNames, validationFile), validationTable.Rows,
                    train.Columns, validationLabels, [.. train.FeatureNames]);
                RequireEveryValue(validation, validationTable, validationFile);
            }
        }
        else
        {
            var input = a.Transactions!;
            var featureOptions = new FeatureOptions { LabelDelayDays = a.DelayDays ?? 7 };
            var data = TransactionData.Load(input, featureOptions, c);
            var start = Day("--train-start", a.TrainStart!, data.Day0);
            var days = a.TrainDays ?? 7;
            var rows = Enumerable.Range(0, data.Records.Count).Where(i => data.Days[i] >= start && data.Days[i] < (long)start + days).ToArray();
            // Long: a start near int.MaxValue printed a window ending at a negative day.
            if (rows.Length == 0) throw new CliInputException($"{input}: no transactions in the training window (days {start} to {(long)start + days - 1}).");
            var names = a.Features ?? TransactionFeatures.Names;
            if (names.Count == 0) throw new CliUsageException("--features needs at least one feature name.");
            if (earlyStopping)
            {
                // The window's last days validate; the model learns from the days before them (no test day is seen).
                var validationDays = a.ValidationDays ?? 1;
                if (validationDays > days - 1)
                    throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--validation-days '{validationDays}' must be an integer in [1, {days - 1}]."));
                var validationRows = rows.Where(i => data.Days[i] >= start + days - validationDays).ToArray();
                rows = rows.Where(i => data.Days[i] < start + days - validationDays).ToArray();
                if (rows.Length == 0 || validationRows.Length == 0) throw new CliInputException($"{input}: --validation-days {validationDays} leaves no training or no validation rows.");
                validation = data.ToDataset(validationRows, names, "--features");
            }
            train = data.ToDataset(rows, names, "--features");
            windowStart = data.Day0.AddDays(start);
            windowEnd = data.Day0.AddDays(start + days);
            extra["train_start_day"] = start;
            extra["train_start"] = windowStart.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }

        var frauds = train.Labels.Count(l => l > 0.5f);
        if (frauds == 0 || frauds == train.Rows) throw new CliInputException("the training data must contain both frauds and legitimate rows.");
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
            // The features' delay, which evaluate and the web app must compute them with (a table's are its own).
            LabelDelayDays = tableMode ? null : a.DelayDays ?? 7,
        };
        // A model with no tree scores every payment alike (--min-leaf above the rows, say): refused, nothing written.
        if (model.TreeCount == 0)
            throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                $"No tree could be grown from {train.Rows} rows (is --min-leaf larger than the rows of a class?); no model was written."));
        Write(output, path =>
        {
            using var stream = File.Create(path);
            ModelFile.Save(stream, model, metadata, signingKey);
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

    private static int Evaluate(ModelCliContext c, string modelFile, string? tableFile, string? labelColumn, IReadOnlyList<string> ignore, string? transactions,
        string? trainStart, int trainDays, int? delayDays, int testDays, string? scoresOut)
    {
        var tableMode = tableFile is not null;
        var (model, metadata) = LoadModel(modelFile);
        var result = new Dictionary<string, object?>();
        double[] scores;
        bool[] labels;
        if (tableMode)
        {
            var file = tableFile!;
            var label = labelColumn!;
            var table = ModelCliTables.Read(file, c, ["customer_id", "day", label]);
            ModelCliTables.CheckIgnored(table, ignore, model.FeatureNames, file);
            var matrix = ModelCliTables.Columns(table, model.FeatureNames, file);
            labels = ModelCliTables.Labels(table, label, file);
            scores = new double[table.Rows];
            model.PredictProbabilities(matrix, scores);
            result["auc"] = Round(Metrics.AucRoc(scores, labels));
            result["ap"] = Round(Metrics.AveragePrecision(scores, labels));
            int dayColumn = table.IndexOf("day"), cardColumn = table.IndexOf("customer_id");
            if (dayColumn >= 0 && cardColumn >= 0)
            {
                var days = ModelCliTables.Integers(table, dayColumn, 0, int.MaxValue, file).Select(v => (int)v).ToArray();
                var cards = ModelCliTables.Integers(table, cardColumn, -ModelCliTables.LargestExactInteger, ModelCliTables.LargestExactInteger, file);
                result["cp100"] = Round(Metrics.CardPrecisionAtK(scores, labels, days, cards, 100));
            }

            if (scoresOut is not null)
            {
                WriteScores(scoresOut, "row", Enumerable.Range(1, scores.Length).Select(r => (long)r).ToArray(), null, null, labels, scores);
            }
        }
        else
        {
            var input = transactions!;
            // The night and weekend features on the clock the model learnt them on (the web app's Scoring:TimeZone).
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(metadata.TimeZone, out var clock))
                throw new CliInputException($"{modelFile}: the model was trained on the clock of '{metadata.TimeZone}', a time zone this machine does not know.");
            // And with the label delay it learnt them with: by default the model's own; another one given is refused.
            if (delayDays is { } given && metadata.LabelDelayDays is { } recorded && given != recorded)
                throw new CliUsageException($"--delay-days {given}: the model's features were computed with a delay of {recorded} days (leave --delay-days out to use it).");
            var featureOptions = new FeatureOptions { LabelDelayDays = delayDays ?? metadata.LabelDelayDays ?? 7, LocalTime = clock };
            var data = TransactionData.Load(input, featureOptions, c);
            var start = Day("--train-start", trainStart!, data.Day0);
            var split = HandbookProtocol.Split(data.Records, data.Days, start, trainDays, featureOptions.LabelDelayDays, testDays);
            if (split.TestRows.Length == 0) throw new CliInputException($"{input}: no transactions in the test days.");
            var test = data.ToDataset(split.TestRows, model.FeatureNames, "the model's features");
            scores = new double[test.Rows];
            model.PredictProbabilities(test.Features, scores);
            labels = test.Labels.Select(l => l > 0.5f).ToArray();
            var days = split.TestRows.Select(i => data.Days[i]).ToArray();
            var cards = split.TestRows.Select(i => data.Records[i].CustomerId).ToArray();
            result["auc"] = Round(Metrics.AucRoc(scores, labels));
            result["ap"] = Round(Metrics.AveragePrecision(scores, labels));
            result["cp100"] = Round(Metrics.CardPrecisionAtK(scores, labels, days, cards, 100));
            if (scoresOut is not null)
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
    private static void RequireEveryValue(Dataset data, FeatureTable table, string path)
    {
        for (var i = 0; i < data.Features.Length; i++)
        {
            if (!float.IsFinite(data.Features[i]))
            {
                var (row, column) = Math.DivRem(i, data.Columns);
                var name = data.FeatureNames[column];
                var problem = float.IsNaN(data.Features[i]) ? "missing (NaN)" : "infinite or beyond a float's range (±3.4e38)";
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}:{table.LineOf(row)}:{table.FileColumnOf(table.IndexOf(name))}: feature '{name}' is {problem}; training needs a number in every feature (ML.NET would drop the row silently)."));
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
            return ModelFile.Load(stream, ModelKeyProvider.FromEnvironment());
        }
        catch (ModelFormatException e)
        {
            throw new CliInputException($"{path}: not a valid model file ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{path}: cannot read the model ({e.Message})");
        }
    }

    /// <summary>A day number (as the handbook's code takes) or an ISO date converted to a day number from day0.</summary>
    private static int Day(string name, string value, DateTime day0)
    {
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return n >= 0 ? n : throw new CliUsageException($"{name} '{value}' must not be negative.");
        }

        if (!IsoTimestamp.TryParse(value, out var date)) throw new CliUsageException($"{name} '{value}' is neither a day number nor an ISO date.");
        var days = (date.Date - day0).Days;
        return days >= 0 ? days : throw new CliUsageException($"{name} {value} is before the first transaction's date {day0:yyyy-MM-dd}.");
    }

    /// <summary>
    /// Writes through a temporary file beside <paramref name="path"/>, flushed to disk and then moved over it: a write
    /// that fails (a full disk, a size limit) leaves the old file as it was and no half-written one.
    /// </summary>
    private static void Write(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        var moved = false;
        // Ctrl+C or a stop while writing ends the process without this method's finally: the temporary file (hundreds
        // of megabytes for a long simulation) goes in the signal's handler, which then ends the process itself with the
        // shell's code for the signal (128 + its number). Left to the runtime's default ending, a run interrupted under
        // load once exited 0, as if it had finished.
        var onSignal = new[] { (PosixSignal.SIGINT, 130), (PosixSignal.SIGTERM, 143), (PosixSignal.SIGQUIT, 131) }
            .Select(s => PosixSignalRegistration.Create(s.Item1, context =>
            {
                context.Cancel = true;
                TryDelete(temporary);
                Environment.Exit(s.Item2);
            })).ToList();
        try
        {
            write(temporary);
            using (var written = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite)) written.Flush(flushToDisk: true);
            File.Move(temporary, full, overwrite: true);
            moved = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{path}: cannot write ({e.Message})");
        }
        finally
        {
            onSignal.ForEach(registration => registration.Dispose());
            if (!moved) TryDelete(temporary);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind as a hidden .tmp file beside the output; the error about the write is what matters.
        }
    }

    /// <summary>To six places; null (JSON null) when the metric is undefined, e.g. AUC over test rows of one class.</summary>
    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 6) : null;

    internal static string ToJson(Dictionary<string, object?> values) => JsonSerializer.Serialize(values, Json);
}

/// <summary>One verb's invocation: its parsed command line and output streams; also the trainer's progress sink (to stderr).</summary>
internal sealed class ModelCliContext(ParseResult parse, TextWriter stdout, TextWriter stderr) : IProgress<string>
{
    public ParseResult Parse { get; } = parse;
    public TextWriter Stdout { get; } = stdout;
    public TextWriter Stderr { get; } = stderr;

    public void Progress(string message) => Stderr.WriteLine(message);

    public void Result(Dictionary<string, object?> values) => Stdout.WriteLine(ModelCli.ToJson(values));

    void IProgress<string>.Report(string value) => Progress(value);
}
