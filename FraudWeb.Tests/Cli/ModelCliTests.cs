using System.Globalization;
using System.Text.Json;
using FraudWeb.Cli;
using FraudWeb.Domain.Evaluation;

namespace FraudWeb.Tests.Cli;

public sealed class ModelCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("modelcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => CommandLineRun.DomainOnlyAsync(args);

    private static JsonElement Json(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return JsonDocument.Parse(lines[0]).RootElement;
    }

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task Simulate_SignalledWhileWriting_NoTemporaryFileLeftAndSignalsExitCode(string signal, int expectedCode)
    {
        // Arrange (review: Ctrl+C during the write ended the process without its clean-up, and left a 183 MB hidden file).
        // Started with the signal's default action: a test run started with & by a non-interactive shell (a script,
        // CI) ignores SIGINT, its children inherit that, and .NET then leaves it ignored, as a background job's should.
        var output = PathOf("raw.csv");
        var start = new System.Diagnostics.ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[$"--default-signal={signal}", "dotnet", Path.Combine(AppContext.BaseDirectory, "FraudWeb.dll"), "simulate", "--out", output, "--days", "400"])
            start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (Directory.GetFiles(_dir, ".raw.csv.*.tmp").Length == 0)
        {
            Assert.False(process.HasExited, "The simulation ended before it began writing.");
            Assert.True(DateTime.UtcNow < deadline, "No temporary file within 120 s.");
            await Task.Delay(10);
        }

        // Act: Ctrl+C (SIGINT), or a stop (SIGTERM: systemd, docker stop, timeout)
        using (var interrupt = System.Diagnostics.Process.Start("kill", ["-s", signal, process.Id.ToString(CultureInfo.InvariantCulture)])) await interrupt.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        // Assert: stopped with the shell's code for the signal, with neither the output nor its temporary file
        Assert.Equal(expectedCode, process.ExitCode);
        Assert.Empty(Directory.GetFiles(_dir, "*raw.csv*"));
    }

    [Fact]
    public async Task Help_HelpVerb_PrintsEveryVerb()
    {
        var (code, stdout, _) = await RunAsync("help");

        Assert.Equal(0, code);
        foreach (var verb in (string[])["simulate", "features", "train", "evaluate", "bench-score"]) Assert.Contains(verb, stdout);
    }

    [Fact]
    public async Task Help_HelpWithAVerb_PrintsThatVerbsOptions()
    {
        var (code, stdout, _) = await RunAsync("help", "train");

        Assert.Equal(0, code);
        Assert.Contains("--table", stdout, StringComparison.Ordinal);
        Assert.Contains("--min-leaf", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_UnknownCommand_UsageErrorNamesIt()
    {
        // Arrange (review finding: the root's help, exit 0, as if the command existed)

        // Act
        var (code, stdout, err) = await RunAsync("help", "nonexistent");

        // Assert
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("error: Unknown command 'nonexistent'.", err, StringComparison.Ordinal);
    }

    /// <summary>A small feature table: two random features, one row in ten a fraud.</summary>
    private string SmallTable()
    {
        var path = PathOf("small.csv");
        var random = new Random(1);
        File.WriteAllLines(path, ["a,b,y", .. Enumerable.Range(0, 200).Select(i => string.Create(CultureInfo.InvariantCulture, $"{random.NextDouble()},{random.NextDouble()},{(i % 10 == 0 ? 1 : 0)}"))]);
        return path;
    }

    [Fact]
    public async Task Train_OutputIsTheTable_UsageErrorAndTheTableUntouched()
    {
        var table = SmallTable();
        var before = File.ReadAllBytes(table);

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--out", table);

        Assert.Equal(2, code);
        Assert.Contains("is also --table: it would be overwritten", err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(table));
    }

    [Fact]
    public async Task Train_NoTreeGrown_ErrorAndTheEarlierModelKept()
    {
        var table = SmallTable();
        var model = PathOf("m.model");
        Assert.Equal(0, (await RunAsync("train", "--table", table, "--label", "y", "--trees", "5", "--out", model)).Code);
        var before = File.ReadAllBytes(model);

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--trees", "5", "--min-leaf", "100000", "--out", model);

        Assert.Equal(1, code);
        Assert.Contains("No tree could be grown from 200 rows", err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(model));
        // Written through a temporary file and moved: nothing else is left in the directory.
        Assert.Equal(["m.model", "small.csv"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Simulate_StartNearTheYear9999_UsageErrorAndNoFile()
    {
        var output = PathOf("s.csv");

        var (code, _, err) = await RunAsync("simulate", "--out", output, "--days", "3", "--customers", "5", "--terminals", "5", "--start", "9999-12-30");

        Assert.Equal(2, code);
        Assert.Contains("runs past the year 9999", err, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Run_UnknownFlag_UsageErrorNamesFlag()
    {
        var (code, _, err) = await RunAsync("simulate", "--out", PathOf("x.csv"), "--colour", "red");

        Assert.Equal(2, code);
        Assert.Contains("error: Unrecognized command or argument '--colour'.", err);
    }

    [Fact]
    public async Task Run_MissingRequiredFlag_UsageErrorNamesFlag()
    {
        var (code, _, err) = await RunAsync("train", "--transactions", PathOf("raw.csv"), "--train-start", "3");

        Assert.Equal(2, code);
        Assert.Contains("error: Option '--out' is required.", err);
    }

    [Fact]
    public async Task Run_BadNumber_UsageErrorNamesFlagAndValue()
    {
        var (code, _, err) = await RunAsync("simulate", "--out", PathOf("x.csv"), "--days", "many");

        Assert.Equal(2, code);
        Assert.Contains("--days 'many'", err);
    }

    [Fact]
    public async Task Train_EarlyStoppingWithoutValidationData_UsageErrorSaysTheyGoTogether()
    {
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,y\n1,0\n2,1\n");

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--early-stopping", "0.01", "--out", PathOf("m.bin"));

        Assert.Equal(2, code);
        Assert.Contains("--early-stopping and --validation-table go together", err);
    }

    [Fact]
    public async Task Train_RetiredTreeFitFlag_UsageErrorNamesIt()
    {
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,y\n1,0\n2,1\n");

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--tree-fit", "second-order", "--out", PathOf("m.bin"));

        Assert.Equal(2, code);
        Assert.Contains("error: Unrecognized command or argument '--tree-fit'.", err);
    }

    [Fact]
    public async Task Train_TableWithAnEmptyCell_ErrorNamesFileLineColumnAndFeature()
    {
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,b,y\n1,2,0\n2,,1\n3,4,0\n");

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--out", PathOf("m.bin"));

        Assert.Equal(1, code);
        Assert.Contains($"{table}:3:2: feature 'b' is missing", err);
    }

    [Fact]
    public async Task Run_MissingFile_OneLineErrorExit1()
    {
        var (code, _, err) = await RunAsync("train", "--table", PathOf("none.csv"), "--label", "y", "--out", PathOf("m.bin"));

        Assert.Equal(1, code);
        Assert.StartsWith("error:", err);
        Assert.Contains("none.csv", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task Run_MalformedTransactions_ErrorNamesFileLineColumn()
    {
        var raw = PathOf("raw.csv");
        File.WriteAllText(raw, "transaction_id,tx_datetime,customer_id,terminal_id,tx_amount,tx_fraud\n0,2018-04-01 00:00:31,1,2,5,0\n1,2018-04-01 00:00:40,1,2,ten,0\n");

        var (code, _, err) = await RunAsync("train", "--transactions", raw, "--train-start", "0", "--out", PathOf("m.bin"));

        Assert.Equal(1, code);
        Assert.Contains($"{raw}:3:5: column 'tx_amount': 'ten'", err);
    }

    [Fact]
    public async Task Run_MalformedTable_ErrorNamesFileLineColumn()
    {
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,y\n1,0\n2,1\nx,0\n");

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--out", PathOf("m.bin"));

        Assert.Equal(1, code);
        Assert.Contains($"{table}:4:1: column 'a': 'x' is not a number.", err);
    }

    [Fact]
    public async Task Run_NonBinaryLabel_ErrorNamesLine()
    {
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,y\n1,0\n2,1\n3,2\n");

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--out", PathOf("m.bin"));

        Assert.Equal(1, code);
        Assert.Contains($"{table}:4:2: column 'y': '2' is not a 0/1 label.", err);
    }

    [Theory]
    [InlineData("0.99999999", "'0.99999999'")]
    [InlineData("1e-50", "'1E-50'")]
    [InlineData("", "an empty cell")]
    public async Task Run_LabelAFloatRoundsToZeroOrOne_ErrorNamesLineAndTheValueAsWritten(string cell, string shown)
    {
        // Review: labels were checked as floats, so 0.99999999 trained as a fraud and 1e-50 as legitimate.
        var table = PathOf("t.csv");
        File.WriteAllText(table, $"a,y\n1,0\n2,1\n3,{cell}\n");

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--out", PathOf("m.bin"));

        Assert.Equal(1, code);
        Assert.Contains($"{table}:4:2: column 'y': {shown} is not a 0/1 label.", err);
        Assert.False(File.Exists(PathOf("m.bin")));
    }

    [Fact]
    public async Task Run_UnknownLabelColumn_UsageError()
    {
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,y\n1,0\n2,1\n");

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "fraud", "--out", PathOf("m.bin"));

        Assert.Equal(2, code);
        Assert.Contains("--label: column 'fraud'", err);
    }

    [Fact]
    public async Task Simulate_SmallRun_WritesRawCsvAndSummary()
    {
        var raw = PathOf("raw.csv");

        var (code, stdout, _) = await RunAsync("simulate", "--out", raw, "--customers", "20", "--terminals", "40", "--days", "30", "--seed", "5");

        Assert.Equal(0, code);
        var json = Json(stdout);
        var lines = File.ReadAllLines(raw);
        Assert.Equal("transaction_id,tx_datetime,customer_id,terminal_id,tx_amount,tx_fraud,tx_fraud_scenario", lines[0]);
        Assert.Equal(lines.Length - 1, json.GetProperty("transactions").GetInt32());
        Assert.StartsWith("0,2018-04-01 ", lines[1]);
    }

    [Fact]
    public async Task SimulateTrainEvaluate_SmallData_EndToEnd()
    {
        var raw = PathOf("raw.csv");
        var model = PathOf("model.bin");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "300", "--terminals", "600", "--days", "45", "--seed", "11")).Code);

        var train = await RunAsync("train", "--transactions", raw, "--train-start", "2018-04-21", "--train-days", "7", "--threads", "1", "--trees", "20", "--out", model);
        var evaluate = await RunAsync("evaluate", "--model", model, "--transactions", raw, "--train-start", "20");

        Assert.Equal(0, train.Code);
        var trained = Json(train.Out);
        Assert.True(trained.GetProperty("fit_seconds").GetDouble() > 0);
        Assert.True(trained.GetProperty("rows").GetInt32() > 1000);
        Assert.Equal(FraudWeb.Domain.Features.TransactionFeatures.Names.Count, trained.GetProperty("features").GetInt32());
        Assert.Equal(20, trained.GetProperty("trees").GetInt32());
        Assert.Equal(20, trained.GetProperty("train_start_day").GetInt32());
        Assert.Equal(0, evaluate.Code);
        var evaluated = Json(evaluate.Out);
        Assert.InRange(evaluated.GetProperty("auc").GetDouble(), 0.6, 1.0);
        // Better than a random ranking, whose average precision is the share of frauds; card precision is reported
        // (Evaluate_ScoresOut_OneRowPerTestTransactionMatchingTheMetrics recomputes both from the scores).
        var fraudShare = (double)evaluated.GetProperty("frauds").GetInt32() / evaluated.GetProperty("rows").GetInt32();
        Assert.InRange(evaluated.GetProperty("ap").GetDouble(), fraudShare, 1.0);
        Assert.Equal(JsonValueKind.Number, evaluated.GetProperty("cp100").ValueKind);
        // Some frauds among the evaluated rows, never all of them (the simulator's fraud rate is below 1%).
        Assert.InRange(evaluated.GetProperty("frauds").GetInt32(), 1, evaluated.GetProperty("rows").GetInt32() / 10);
    }

    [Fact]
    public async Task Evaluate_ModelOnAClockThisMachineDoesNotKnow_ErrorNamingItNotUtcFeatures()
    {
        // Arrange (review finding: evaluate built the night and weekend features on UTC whatever clock the model learnt them on)
        var raw = PathOf("raw.csv");
        var model = PathOf("model.bin");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "300", "--terminals", "600", "--days", "45", "--seed", "11")).Code);
        Assert.Equal(0, (await RunAsync("train", "--transactions", raw, "--train-start", "20", "--train-days", "7", "--threads", "1", "--trees", "5", "--out", model)).Code);
        FraudWeb.Domain.Learning.FastTreeModel trained;
        FraudWeb.Domain.Learning.ModelMetadata metadata;
        using (var read = File.OpenRead(model)) (trained, metadata) = FraudWeb.Domain.Learning.ModelFile.Load(read);
        using (var write = File.Create(model)) FraudWeb.Domain.Learning.ModelFile.Save(write, trained, metadata with { TimeZone = "Mars/Olympus_Mons" });

        // Act
        var evaluate = await RunAsync("evaluate", "--model", model, "--transactions", raw, "--train-start", "20");

        // Assert
        Assert.Equal("UTC", metadata.TimeZone);
        Assert.Equal(1, evaluate.Code);
        Assert.Contains("the model was trained on the clock of 'Mars/Olympus_Mons', a time zone this machine does not know.", evaluate.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_DelayOtherThanTheModelsOwn_UsageErrorAndItsOwnByDefault()
    {
        // Arrange (review: a model trained with --delay-days 3 was evaluated on features counted 7 days back, silently)
        var raw = PathOf("raw.csv");
        var model = PathOf("model.bin");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "300", "--terminals", "600", "--days", "45", "--seed", "11")).Code);
        Assert.Equal(0, (await RunAsync("train", "--transactions", raw, "--train-start", "20", "--train-days", "7", "--delay-days", "3", "--threads", "1", "--trees", "5", "--out", model)).Code);

        // Act
        var other = await RunAsync("evaluate", "--model", model, "--transactions", raw, "--train-start", "20", "--delay-days", "7");
        var own = await RunAsync("evaluate", "--model", model, "--transactions", raw, "--train-start", "20");
        var given = await RunAsync("evaluate", "--model", model, "--transactions", raw, "--train-start", "20", "--delay-days", "3");

        // Assert: refused; by default the model's own 3 days, the same figures as when given
        Assert.Equal(2, other.Code);
        Assert.Contains("--delay-days 7: the model's features were computed with a delay of 3 days (leave --delay-days out to use it).", other.Err, StringComparison.Ordinal);
        Assert.Equal(0, own.Code);
        Assert.Equal(Json(given.Out).GetProperty("auc").GetDouble(), Json(own.Out).GetProperty("auc").GetDouble());
        Assert.Equal(Json(given.Out).GetProperty("rows").GetInt32(), Json(own.Out).GetProperty("rows").GetInt32());
        using var read = File.OpenRead(model);
        Assert.Equal(3, FraudWeb.Domain.Learning.ModelFile.Load(read).Metadata.LabelDelayDays);
    }

    [Fact]
    public async Task Train_EarlyStoppingOnTheWindowsLastDays_KeepsTheBestPrefix()
    {
        var raw = PathOf("raw.csv");
        var model = PathOf("model.bin");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "300", "--terminals", "600", "--days", "45", "--seed", "11")).Code);

        // A learning rate this large overfits a week of data within a few trees.
        var train = await RunAsync("train", "--transactions", raw, "--train-start", "20", "--train-days", "9", "--threads", "1", "--trees", "400",
            "--leaves", "32", "--min-leaf", "2", "--learning-rate", "1.5", "--early-stopping", "0.001", "--validation-days", "2", "--out", model);

        Assert.Equal(0, train.Code);
        Assert.InRange(Json(train.Out).GetProperty("trees").GetInt32(), 1, 399);
        Assert.Contains("early stop", train.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("evaluate", "--model", model, "--transactions", raw, "--train-start", "20")).Code);
    }

    [Fact]
    public async Task Evaluate_ScoresOut_OneRowPerTestTransactionMatchingTheMetrics()
    {
        var raw = PathOf("raw.csv");
        var model = PathOf("model.bin");
        var scoresFile = PathOf("scores.csv");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "300", "--terminals", "600", "--days", "45", "--seed", "11")).Code);
        Assert.Equal(0, (await RunAsync("train", "--transactions", raw, "--train-start", "20", "--threads", "1", "--trees", "20", "--out", model)).Code);

        var evaluate = await RunAsync("evaluate", "--model", model, "--transactions", raw, "--train-start", "20", "--scores-out", scoresFile);

        Assert.Equal(0, evaluate.Code);
        var evaluated = Json(evaluate.Out);
        var lines = File.ReadAllLines(scoresFile);
        Assert.Equal("transaction_id,day,customer_id,tx_fraud,score", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(evaluated.GetProperty("rows").GetInt32(), rows.Length);
        Assert.Equal(rows.Length, rows.Select(r => r[0]).Distinct().Count());
        Assert.All(rows, r => Assert.InRange(int.Parse(r[1], CultureInfo.InvariantCulture), 34, 40));
        var labels = rows.Select(r => r[3] == "1").ToArray();
        var scores = rows.Select(r => double.Parse(r[4], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(evaluated.GetProperty("frauds").GetInt32(), labels.Count(l => l));
        Assert.Equal(evaluated.GetProperty("auc").GetDouble(), Math.Round(Metrics.AucRoc(scores, labels), 6));
        Assert.Equal(evaluated.GetProperty("ap").GetDouble(), Math.Round(Metrics.AveragePrecision(scores, labels), 6));
        var days = rows.Select(r => int.Parse(r[1], CultureInfo.InvariantCulture)).ToArray();
        var cards = rows.Select(r => long.Parse(r[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(evaluated.GetProperty("cp100").GetDouble(), Math.Round(Metrics.CardPrecisionAtK(scores, labels, days, cards, 100), 6));
    }

    [Fact]
    public async Task Train_TableWithAnIdentifierColumnNotIgnored_UsageErrorNamingIt()
    {
        // Newcomer's test: `features` writes transaction_id beside the features, and the README's --ignore left it in,
        // so the model silently trained on it as a 19th feature.
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,b,y,customer_id,day,transaction_id\n1,2,0,1,1,1\n2,3,1,1,1,2\n3,4,0,2,2,3\n");

        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--ignore", "customer_id,day", "--out", PathOf("m.bin"));

        Assert.Equal(2, code);
        Assert.Contains($"error: {table}: column 'transaction_id' identifies rows and is not a feature: add it to --ignore.", err);
        Assert.False(File.Exists(PathOf("m.bin")));
    }

    [Fact]
    public async Task FeaturesTrainEvaluateTable_SmallData_EndToEnd()
    {
        var raw = PathOf("raw.csv");
        var table = PathOf("table.csv");
        var model = PathOf("model.bin");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "200", "--terminals", "400", "--days", "40", "--seed", "3")).Code);
        Assert.Equal(0, (await RunAsync("features", "--transactions", raw, "--out", table)).Code);

        var train = await RunAsync("train", "--table", table, "--label", "tx_fraud", "--ignore", "customer_id,day,transaction_id", "--threads", "2", "--trees", "10", "--out", model);
        var evaluate = await RunAsync("evaluate", "--model", model, "--table", table, "--label", "tx_fraud", "--ignore", "transaction_id");
        var bench = await RunAsync("bench-score", "--model", model, "--table", table, "--calls", "2000");

        Assert.Equal(0, train.Code);
        Assert.Equal(FraudWeb.Domain.Features.TransactionFeatures.Names.Count, Json(train.Out).GetProperty("features").GetInt32());
        Assert.Equal(0, evaluate.Code);
        var evaluated = Json(evaluate.Out);
        Assert.True(evaluated.GetProperty("auc").GetDouble() > 0.7);
        Assert.True(evaluated.TryGetProperty("cp100", out _));
        Assert.Equal(0, bench.Code);
        var benched = Json(bench.Out);
        Assert.True(benched.GetProperty("batch_rows_per_s").GetDouble() > 0);
        Assert.True(benched.GetProperty("single_row_p99_ns").GetDouble() >= benched.GetProperty("single_row_median_ns").GetDouble());
        Assert.True(benched.GetProperty("explain_p99_ns").GetDouble() >= benched.GetProperty("explain_median_ns").GetDouble());
    }

    [Theory]
    [InlineData("evaluate", "no_such_column", "--ignore: column 'no_such_column' is not in")]
    [InlineData("evaluate", "tx_amount", "--ignore: column 'tx_amount' is one of the model's features")]
    [InlineData("bench-score", "no_such_column", "--ignore: column 'no_such_column' is not in")]
    [InlineData("bench-score", "tx_amount", "--ignore: column 'tx_amount' is one of the model's features")]
    public async Task SavedModelsTable_IgnoredColumnMissingOrAFeature_UsageErrorNamingIt(string verb, string ignored, string says)
    {
        // Arrange
        var raw = PathOf("raw.csv");
        var table = PathOf("table.csv");
        var model = PathOf("model.bin");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "100", "--terminals", "200", "--days", "20", "--seed", "3")).Code);
        Assert.Equal(0, (await RunAsync("features", "--transactions", raw, "--out", table)).Code);
        Assert.Equal(0, (await RunAsync("train", "--table", table, "--label", "tx_fraud", "--ignore", "customer_id,day,transaction_id", "--threads", "2", "--trees", "5", "--out", model)).Code);
        string[] args = verb == "evaluate" ? ["evaluate", "--model", model, "--table", table, "--label", "tx_fraud", "--ignore", ignored] : ["bench-score", "--model", model, "--table", table, "--calls", "1000", "--ignore", ignored];

        // Act
        var (code, stdout, stderr) = await RunAsync(args);

        // Assert
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(says, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_TrainStartBeforeFirstDay_UsageError()
    {
        var raw = PathOf("raw.csv");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "10", "--terminals", "50", "--days", "5")).Code);

        var (code, _, err) = await RunAsync("train", "--transactions", raw, "--train-start", "2018-03-01", "--out", PathOf("m.bin"));

        Assert.Equal(2, code);
        Assert.Contains("--train-start 2018-03-01 is before the first transaction's date 2018-04-01", err);
    }

    [Fact]
    public async Task Features_SmallRaw_WritesVectorAndKeys()
    {
        var raw = PathOf("raw.csv");
        var table = PathOf("features.csv");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "10", "--terminals", "50", "--days", "5")).Code);

        var (code, stdout, _) = await RunAsync("features", "--transactions", raw, "--out", table);

        Assert.Equal(0, code);
        var lines = File.ReadAllLines(table);
        Assert.Equal(string.Join(',', FraudWeb.Domain.Features.TransactionFeatures.Names) + ",tx_fraud,customer_id,day,transaction_id", lines[0]);
        Assert.Equal(File.ReadAllLines(raw).Length, lines.Length);
        Assert.Equal(lines.Length - 1, Json(stdout).GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task Evaluate_CorruptModel_OneLineError()
    {
        var model = PathOf("bad.bin");
        File.WriteAllText(model, "not a model");
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,y\n1,0\n");

        var (code, _, err) = await RunAsync("evaluate", "--model", model, "--table", table, "--label", "y");

        Assert.Equal(1, code);
        Assert.Contains("bad.bin", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task Features_IdsAbove2To24_WrittenExactlyAndCardsKeptApartInCp100()
    {
        // Arrange (review finding: every column went through a float, so ids above 16,777,216 merged)
        var raw = PathOf("big.csv");
        File.WriteAllText(raw, "transaction_id,tx_datetime,customer_id,terminal_id,tx_amount,tx_fraud\n" +
            "123456789,2018-04-01 00:00:31,100000001,2,3.5,0\n123456790,2018-04-01 00:00:32,100000003,2,3.5,1\n123456791,2018-04-01 00:00:33,100000002,2,7,0\n");
        var table = PathOf("big-features.csv");

        // Act
        var (code, _, _) = await RunAsync("features", "--transactions", raw, "--out", table);

        // Assert
        Assert.Equal(0, code);
        var rows = File.ReadAllLines(table).Skip(1).Select(l => l.Split(',')[^4..]).ToList();
        Assert.Equal(["0", "100000001", "0", "123456789"], rows[0]);
        Assert.Equal(["1", "100000003", "0", "123456790"], rows[1]);
        Assert.Equal(["0", "100000002", "0", "123456791"], rows[2]);
        var exact = FraudWeb.Domain.IO.FeatureTableCsv.Read(table, ["customer_id"]);
        Assert.Equal([100000001d, 100000003d, 100000002d], exact.ExactColumn(exact.IndexOf("customer_id")));
    }

    [Fact]
    public async Task Evaluate_TestRowsOfOneClass_UndefinedMetricsAreJsonNull()
    {
        // Arrange (review finding: "auc":"NaN", a string where readers expect a number)
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,y\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i},{(i % 4 == 0 ? 1 : 0)}\n")));
        var model = PathOf("m.bin");
        Assert.Equal(0, (await RunAsync("train", "--table", table, "--label", "y", "--trees", "3", "--min-leaf", "2", "--out", model)).Code);
        var negatives = PathOf("neg.csv");
        File.WriteAllText(negatives, "a,y\n1,0\n2,0\n3,0\n");

        // Act
        var (code, stdout, _) = await RunAsync("evaluate", "--model", model, "--table", negatives, "--label", "y");

        // Assert
        Assert.Equal(0, code);
        var result = Json(stdout);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("auc").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("ap").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("recall_at_0_5").ValueKind);
        Assert.Equal(JsonValueKind.Number, result.GetProperty("logloss").ValueKind);
        Assert.DoesNotContain("NaN", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_NothingFlagged_PrecisionIsJsonNull()
    {
        // Arrange (review finding: precision 0, "every flag wrong", where nothing was flagged)
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,y\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i},{(i >= 30 ? 1 : 0)}\n")));
        var model = PathOf("m.bin");
        Assert.Equal(0, (await RunAsync("train", "--table", table, "--label", "y", "--trees", "3", "--min-leaf", "2", "--out", model)).Code);
        var quiet = PathOf("quiet.csv");
        File.WriteAllText(quiet, "a,y\n1,1\n2,0\n3,0\n");

        // Act
        var (code, stdout, _) = await RunAsync("evaluate", "--model", model, "--table", quiet, "--label", "y");

        // Assert
        Assert.Equal(0, code);
        var result = Json(stdout);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("precision_at_0_5").ValueKind);
        Assert.Equal(0, result.GetProperty("recall_at_0_5").GetDouble());
    }

    [Fact]
    public async Task Train_ValidationTableColumnsInAnotherOrder_MatchedByName()
    {
        // Arrange (review finding: the validation table was taken by position and failed with an ArgumentException)
        var train = PathOf("t.csv");
        var validation = PathOf("v.csv");
        File.WriteAllText(train, "a,b,y\n" + string.Concat(Enumerable.Range(0, 60).Select(i => $"{i},{i % 7},{(i % 3 == 0 ? 1 : 0)}\n")));
        File.WriteAllText(validation, "y,b,a\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"{(i % 3 == 0 ? 1 : 0)},{i % 7},{i}\n")));

        // Act
        var (code, stdout, err) = await RunAsync("train", "--table", train, "--label", "y", "--validation-table", validation, "--early-stopping", "0.1",
            "--trees", "5", "--min-leaf", "2", "--out", PathOf("m.bin"));

        // Assert
        Assert.True(code == 0, err);
        Assert.Equal(2, Json(stdout).GetProperty("features").GetInt32());
    }

    [Fact]
    public async Task Train_ValidationTableWithAnEmptyCell_ErrorNamesItsFileLineAndColumn()
    {
        // Arrange (review finding: only the training table was checked; ML.NET drops such rows silently)
        var train = PathOf("t.csv");
        var validation = PathOf("v.csv");
        File.WriteAllText(train, "a,b,y\n1,2,0\n2,3,1\n3,4,0\n");
        File.WriteAllText(validation, "b,a,y\n1,2,0\n,3,1\n");

        // Act
        var (code, _, err) = await RunAsync("train", "--table", train, "--label", "y", "--validation-table", validation, "--early-stopping", "0.1", "--out", PathOf("m.bin"));

        // Assert
        Assert.Equal(1, code);
        Assert.Contains($"{validation}:3:1: feature 'b' is missing", err);
    }

    [Fact]
    public async Task Train_EmptyFeatureList_UsageError()
    {
        // Arrange
        var raw = PathOf("raw.csv");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "10", "--terminals", "50", "--days", "10")).Code);

        // Act
        var (code, _, err) = await RunAsync("train", "--transactions", raw, "--train-start", "2", "--features", "", "--out", PathOf("m.bin"));

        // Assert
        Assert.Equal(2, code);
        Assert.Contains("--features needs at least one feature name.", err);
        Assert.DoesNotContain("Exception", err);
    }

    [Fact]
    public async Task Train_EarlyStoppingZero_UsageErrorSaysAboveZero()
    {
        // Arrange (review finding: 0 passed the range, then read as absent: "go together" although both were given)
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,y\n1,0\n2,1\n");

        // Act
        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "y", "--early-stopping", "0", "--validation-table", table, "--out", PathOf("m.bin"));

        // Assert
        Assert.Equal(2, code);
        Assert.Contains("--early-stopping '0' must be above 0", err);
    }

    [Fact]
    public async Task Train_QuotedCellSpanningLines_LaterErrorNamesItsRealLine()
    {
        // Arrange (review finding: the line was the row number + 2, off after a cell holding a newline)
        var table = PathOf("t.csv");
        File.WriteAllText(table, "a,b,label\n1,2,0\n\"3\n\",4,0\n5,6,2\n");

        // Act
        var (code, _, err) = await RunAsync("train", "--table", table, "--label", "label", "--out", PathOf("m.bin"));

        // Assert
        Assert.Equal(1, code);
        Assert.Contains($"{table}:5:3: column 'label': '2' is not a 0/1 label.", err);
    }

    [Theory]
    [InlineData("simulate", "--out", "a.csv", "--out", "b.csv")]
    [InlineData("features", "--transactions", "f.csv", "--transactions", "f.csv", "--out", "t.csv")]
    [InlineData("evaluate", "--model", "m", "--model", "m", "--table", "t.csv", "--label", "y")]
    [InlineData("bench-score", "--model", "m", "--table", "t", "--table", "t")]
    [InlineData("train", "--table", "t.csv", "--label", "x", "--label", "y", "--out", "m")]
    public async Task Run_TextOptionGivenTwice_OneLineUsageError(params string[] args)
    {
        // Arrange (review finding: the output-over-input check read the value and threw: a stack trace, exit 134)

        // Act
        var (code, stdout, err) = await RunAsync(args);

        // Assert
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("expects a single argument but 2 were provided", err, StringComparison.Ordinal);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--customers", "2", "--terminals", "100")]
    [InlineData("--customers", "50", "--terminals", "1")]
    public async Task Simulate_PopulationBelowTheDefaultCompromisedCounts_Simulates(params string[] sizes)
    {
        // Arrange (review finding: ArgumentOutOfRangeException for CompromisedCustomersPerDay, an internal error)
        var output = PathOf("s.csv");

        // Act
        var (code, _, err) = await RunAsync(["simulate", "--out", output, "--days", "5", .. sizes]);

        // Assert
        Assert.Equal(0, code);
        Assert.DoesNotContain("error", err, StringComparison.Ordinal);
        Assert.True(File.Exists(output));
    }

    [Fact]
    public async Task Simulate_ExplicitCompromisedCountAbovePopulation_UsageErrorNamesTheOption()
    {
        var (code, _, err) = await RunAsync("simulate", "--out", PathOf("s.csv"), "--customers", "2", "--compromised-customers", "3");

        Assert.Equal(2, code);
        Assert.Contains("--compromised-customers '3' must be an integer in [0, 2]", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "7", "4", "an empty cell")]
    [InlineData("3.7", "7", "4", "'3.7'")]
    [InlineData("1e12", "7", "4", "'1000000000000'")]
    [InlineData("-1", "7", "4", "'-1'")]
    [InlineData("2", "1e30", "3", "'1E+30'")]
    [InlineData("2", "7.5", "3", "'7.5'")]
    public async Task Evaluate_TableWithABadDayOrCustomerCell_ErrorNamesFileLineAndColumn(string day, string customer, string column, string shown)
    {
        // Arrange (review finding: the cells used for CP@100 were cast, (int)3.7 = 3, so a bad one changed cp100 silently)
        var model = PathOf("m.bin");
        Assert.Equal(0, (await RunAsync("train", "--table", SmallTable(), "--label", "y", "--trees", "3", "--out", model)).Code);
        var table = PathOf("cp.csv");
        File.WriteAllText(table, $"a,b,customer_id,day,y\n0.1,0.2,5,1,0\n0.3,0.4,{customer},{day},1\n");

        // Act
        var (code, stdout, err) = await RunAsync("evaluate", "--model", model, "--table", table, "--label", "y");

        // Assert
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        var name = column == "4" ? "day" : "customer_id";
        Assert.Contains($"{table}:3:{column}: column '{name}': {shown} is not an integer in [", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_FeatureListedTwice_UsageErrorNamesItAndNoModel()
    {
        // Arrange (review finding: a model with two features named tx_amount was written)
        var raw = PathOf("raw.csv");
        Assert.Equal(0, (await RunAsync("simulate", "--out", raw, "--customers", "10", "--terminals", "50", "--days", "12")).Code);
        var model = PathOf("m.bin");

        // Act
        var (code, _, err) = await RunAsync("train", "--transactions", raw, "--train-start", "2", "--features", "tx_amount,tx_during_night, tx_amount", "--out", model);

        // Assert
        Assert.Equal(2, code);
        Assert.Contains("--features: 'tx_amount' is listed twice.", err, StringComparison.Ordinal);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public async Task Train_FileOptionNamingAFolder_OneLineSayingItIsAFolder()
    {
        // Arrange (operator test: "Access to the path '/tmp' is denied.")
        var folder = Directory.CreateTempSubdirectory("fraudweb-folder-").FullName;
        try
        {
            // Act
            var (code, _, err) = await RunAsync("train", "--table", folder, "--label", "y", "--out", Path.Combine(folder, "m.bin"));

            // Assert
            Assert.Equal(1, code);
            Assert.Equal($"error: {folder} is a folder; give a file.", err.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("abc", "is neither a day number nor an ISO date.")]
    [InlineData("-3", "must not be negative.")]
    public async Task Train_BadTrainStart_UsageErrorBeforeTheFileIsRead(string value, string said)
    {
        // Arrange (operator test: the whole file was read first, and the error came without the usage line); a file that
        // does not exist shows it was never opened.
        var missing = PathOf("never-read.csv");

        // Act
        var (code, _, err) = await RunAsync("train", "--transactions", missing, "--train-start", value, "--out", PathOf("m.bin"));

        // Assert
        Assert.Equal(2, code);
        Assert.Contains($"error: --train-start '{value}' {said}", err, StringComparison.Ordinal);
        Assert.Contains("(usage: FraudWeb train --help)", err, StringComparison.Ordinal);
        Assert.DoesNotContain("never-read.csv", err, StringComparison.Ordinal);
    }
}
