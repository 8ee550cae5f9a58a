using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Evaluation;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Learning;
using FraudWeb.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// Trains models from the stored history, saves them under the data directory's models folder, registers them in
/// ModelVersions and loads the active one into the serving holder.
/// </summary>
public sealed partial class ModelRegistry(
    FraudDbContext db,
    FraudWebPaths paths,
    IServingModel servingModel,
    IOptions<SeedOptions> seedOptions,
    IOptions<ScoringOptions> scoringOptions,
    TimeProvider clock,
    ILogger<ModelRegistry> logger)
{
    public const int HoldoutDays = 7;

    public Task<bool> HasActiveModelAsync(CancellationToken cancellationToken) => db.ModelVersions.AnyAsync(m => m.IsActive, cancellationToken);

    /// <summary>Trains on every labelled stored transaction, saves, registers and activates the model.</summary>
    public async Task<ModelVersion> TrainAndActivateAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var rows = await db.Transactions.AsNoTracking()
            .Where(t => t.Label != FraudLabel.Unknown)
            .OrderBy(t => t.TimestampUtc).ThenBy(t => t.Id)
            .Select(t => new { t.Id, t.TimestampUtc, t.CardId, t.TerminalId, t.Amount, t.Label })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) throw new InvalidOperationException("There is no labelled history to train a model on.");
        var records = rows.ConvertAll(t => new TransactionRecord(t.Id, t.TimestampUtc, t.CardId, t.TerminalId, (double)t.Amount, t.Label == FraudLabel.Fraud));
        var featureOptions = new FeatureOptions { LabelDelayDays = scoringOptions.Value.LabelDelayDays };
        var features = TransactionFeatures.ComputeBatch(records, featureOptions);
        var labels = records.ConvertAll(r => r.IsFraud ? 1f : 0f).ToArray();
        var width = TransactionFeatures.Names.Count;
        LogFeatures(logger, records.Count, stopwatch.Elapsed.TotalSeconds);

        // The last week is held out to measure the model (recorded in ModelVersions); the model is trained on the rest.
        var holdoutStart = records[^1].Timestamp.Date.AddDays(-(HoldoutDays - 1));
        var split = records.FindIndex(r => r.Timestamp >= holdoutStart);
        if (split < records.Count / 2) split = records.Count;
        var dataset = new Dataset(features[..(split * width)], split, width, labels[..split], TransactionFeatures.Names);

        var seed = seedOptions.Value;
        var model = BoostedTreesTrainer.Train(dataset, new BoostedTreesOptions { NumberOfTrees = seed.Trees, NumberOfLeaves = seed.Leaves, Seed = seed.RandomSeed });
        LogTrained(logger, model.TreeCount, stopwatch.Elapsed.TotalSeconds);
        var metrics = new Dictionary<string, double>
        {
            ["trainingRows"] = split,
            ["validationRows"] = records.Count - split,
        };
        if (split < records.Count)
        {
            var probabilities = new double[records.Count - split];
            model.PredictProbabilities(features.AsSpan(split * width), probabilities);
            var truth = records.GetRange(split, records.Count - split).ConvertAll(r => r.IsFraud).ToArray();
            metrics["validationFrauds"] = truth.Count(t => t);
            var auc = Metrics.AucRoc(probabilities, truth);
            var averagePrecision = Metrics.AveragePrecision(probabilities, truth);
            if (!double.IsNaN(auc)) metrics["validationAucRoc"] = Math.Round(auc, 4);
            if (!double.IsNaN(averagePrecision)) metrics["validationAveragePrecision"] = Math.Round(averagePrecision, 4);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var frauds = labels.AsSpan(0, split).Count(1f);
        metrics["trainingSeconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 2);
        var version = "gbt-" + now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var metadata = new ModelMetadata
        {
            Version = version,
            CreatedUtc = now,
            TrainingWindowStart = records[0].Timestamp,
            TrainingWindowEnd = records[split - 1].Timestamp,
            TrainingRows = split,
            TrainingFrauds = frauds,
            Metrics = metrics,
        };
        var fileName = version + ".model";
        var path = Path.Combine(paths.ModelsDirectory, fileName);
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            ModelFile.Save(stream, model, metadata);
        }

        foreach (var active in await db.ModelVersions.Where(m => m.IsActive).ToListAsync(cancellationToken)) active.Deactivate();
        var registered = ModelVersion.Register(version, fileName, now, split, frauds, JsonSerializer.Serialize(metrics));
        registered.Activate(now);
        db.ModelVersions.Add(registered);
        await db.SaveChangesAsync(cancellationToken);
        servingModel.Promote(new ServingSnapshot(model, version));
        LogRegistered(logger, version, stopwatch.Elapsed.TotalSeconds);
        return registered;
    }

    /// <summary>Loads the active model into the serving holder; false (and an error in the log) when there is none or its file is bad.</summary>
    public async Task<bool> LoadActiveAsync(CancellationToken cancellationToken)
    {
        var active = await db.ModelVersions.AsNoTracking().Where(m => m.IsActive).OrderByDescending(m => m.CreatedUtc).FirstOrDefaultAsync(cancellationToken);
        if (active is null)
        {
            LogNoModel(logger);
            return false;
        }
        var path = Path.Combine(paths.ModelsDirectory, active.FileName);
        try
        {
            await using var stream = File.OpenRead(path);
            var (model, _) = ModelFile.Load(stream, TransactionFeatures.Names);
            servingModel.Promote(new ServingSnapshot(model, active.Version));
            LogLoaded(logger, active.Version);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ModelFormatException or UnauthorizedAccessException)
        {
            LogBadModel(logger, ex, active.Version, path);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: computed features for {Rows} transactions ({Seconds:F1} s)")]
    private static partial void LogFeatures(ILogger logger, int rows, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: trained {Trees} trees ({Seconds:F1} s)")]
    private static partial void LogTrained(ILogger logger, int trees, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: registered and serving {Version} ({Seconds:F1} s)")]
    private static partial void LogRegistered(ILogger logger, string version, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: loaded {Version} for serving")]
    private static partial void LogLoaded(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No active model is registered: transactions cannot be scored until one is trained.")]
    private static partial void LogNoModel(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The active model {Version} could not be loaded from {Path}: transactions cannot be scored.")]
    private static partial void LogBadModel(ILogger logger, Exception ex, string version, string path);
}
