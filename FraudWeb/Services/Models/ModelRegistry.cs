using FraudWeb.Infrastructure.Localization;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Learning;
using FraudWeb.Domain.Retraining;
using FraudWeb.Infrastructure.Options;
using LinqKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

using FraudWeb.Services.Admin;

namespace FraudWeb.Services.Models;

/// <summary>Where one training's time went (the bench-retrain verb prints these).</summary>
public sealed record TrainingTimings(TimeSpan DataLoading, TimeSpan Features, TimeSpan Training, TimeSpan Evaluation, TimeSpan Promotion);

public sealed record TrainingResult(ModelVersion Version, RetrainingOutcome Outcome, TrainingTimings Timings);

/// <summary>
/// Trains models from the stored history through <see cref="RetrainingPipeline"/> (features over every transaction,
/// labels resolved by maturity), stores them (<see cref="ModelArtifactStore"/>), registers every version in ModelVersions and
/// swaps the serving holder on promotion, rollback or start-up. It knows nothing of the retraining queue or of
/// scoring: both use it.
/// </summary>
public sealed partial class ModelRegistry(
    FraudDbContext db,
    ModelArtifactStore artifacts,
    IServingModel servingModel,
    IOptions<SeedOptions> seedOptions,
    IOptions<ScoringOptions> scoringOptions,
    IOptions<RetrainingSettings> retrainingOptions,
    TimeProvider clock,
    ChildProcessTrainer childProcessTrainer,
    ModelSigningKey signingKey,
    ModelChartsStore charts,
    AuditLog audit,
    ILogger<ModelRegistry> logger)
{
    public Task<bool> HasServingVersionAsync(CancellationToken cancellationToken) =>
        db.ModelVersions.AnyAsync(m => m.Status == ModelStatus.Serving, cancellationToken);

    /// <summary>The version serving now, or null before the first model.</summary>
    public Task<ModelVersion?> ServingVersionAsync(CancellationToken cancellationToken) =>
        db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);

    /// <summary>The latest registered versions, newest first (the dashboard's list).</summary>
    public Task<List<ModelVersion>> RecentVersionsAsync(int count, CancellationToken cancellationToken) =>
        db.ModelVersions.AsNoTracking().OrderByDescending(m => m.CreatedUtc).ThenByDescending(m => m.Id).Take(count).ToListAsync(cancellationToken);

    /// <summary>The first start's model: trained and served (no champion to beat).</summary>
    public async Task<ModelVersion> TrainAndServeAsync(CancellationToken cancellationToken) =>
        (await TrainAsync("first start", seedOptions.Value.Trees, cancellationToken)).Version;

    /// <summary>
    /// Trains a challenger from a snapshot of the history, registers it, and promotes it when the pipeline says so
    /// (otherwise it is kept as Rejected with its metrics). CPU work runs on the thread pool, never a request.
    /// </summary>
    public async Task<TrainingResult> TrainAsync(string trigger, int? trees, CancellationToken cancellationToken)
    {
        var settings = retrainingOptions.Value;
        var stopwatch = Stopwatch.StartNew();
        // One read: later labels do not leak into this run (they count towards the next one).
        var rows = await db.Transactions.AsNoTracking()
            .Select(t => new { t.Id, t.TimestampUtc, t.CardId, t.TerminalId, t.Amount, t.Label, Spend = PaymentStatusRule.CountsAsSpend.Invoke(t) })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) throw new RetrainingException("There is no history to train a model on.");
        var history = rows.ConvertAll(t => new LabelledTransaction(t.Id, t.TimestampUtc, t.CardId, t.TerminalId, (double)t.Amount,
            t.Label switch { FraudLabel.Fraud => GroundTruth.Fraud, FraudLabel.Legitimate => GroundTruth.Legitimate, _ => GroundTruth.Unknown }, t.Spend));
        var loading = stopwatch.Elapsed;

        var options = new RetrainingOptions
        {
            MaturityDays = settings.MaturityDays,
            TrainingDays = settings.TrainingDays,
            HoldoutDays = settings.HoldoutDays,
            Tolerance = settings.Tolerance,
            CardPrecisionTolerance = settings.CardPrecisionTolerance,
            MinimumTrainingFrauds = settings.MinimumTrainingFrauds,
            CardPrecisionK = settings.CardPrecisionK,
            Features = new FeatureOptions { LabelDelayDays = scoringOptions.Value.LabelDelayDays },
            Trainer = TransactionModelDefaults.Training(Math.Max(1, Environment.ProcessorCount)) with { NumberOfTrees = trees ?? settings.Trees },
        };
        var now = clock.GetUtcNow().UtcDateTime;
        var champion = servingModel.Current;
        var trainer = settings.TrainInChildProcess ? childProcessTrainer.For(cancellationToken) : null;
        var outcome = await Task.Run(() => RetrainingPipeline.Run(history, now, champion?.Model, options, trainer: trainer), cancellationToken);

        stopwatch.Restart();
        var version = await UniqueVersionAsync(now, cancellationToken);
        var metrics = outcome.Metadata.Metrics.Where(m => !double.IsNaN(m.Value)).ToDictionary(m => m.Key, m => Math.Round(m.Value, 4));
        // The first model's key names, kept so existing readers of MetricsJson still find them.
        var holdout = outcome.ChallengerMetrics;
        metrics["trainingRows"] = outcome.Metadata.TrainingRows;
        metrics["validationRows"] = holdout.Rows;
        metrics["validationFrauds"] = holdout.Frauds;
        if (!double.IsNaN(holdout.Auc)) metrics["validationAucRoc"] = Math.Round(holdout.Auc, 4);
        if (!double.IsNaN(holdout.AveragePrecision)) metrics["validationAveragePrecision"] = Math.Round(holdout.AveragePrecision, 4);
        var metadata = new ModelMetadata
        {
            Version = version,
            CreatedUtc = now,
            TrainingWindowStart = outcome.TrainingWindowStart,
            TrainingWindowEnd = outcome.Metadata.TrainingWindowEnd,
            TrainingRows = outcome.Metadata.TrainingRows,
            TrainingFrauds = outcome.Metadata.TrainingFrauds,
            Metrics = metrics,
        };
        var fileName = version + ".model";
        await SaveAsync(outcome.Challenger, metadata, fileName, cancellationToken);
        await charts.WriteAsync(fileName, ModelCharts.FromHoldout(outcome), cancellationToken);

        // The row goes in only once the model is stored, so a crash never leaves a registered version without its model.
        var registered = ModelVersion.Register(version, fileName, now, metadata.TrainingRows, metadata.TrainingFrauds, JsonSerializer.Serialize(metrics));
        registered.Describe(trigger, outcome.TrainingWindowStart, outcome.Metadata.TrainingWindowEnd ?? now, JsonSerializer.Serialize(outcome.Labels), outcome.Decision.Reason);
        var promote = outcome.Decision.Promote || champion is null;
        if (promote)
        {
            await ServeAsync(registered, now, null, cancellationToken);
        }
        else
        {
            registered.Reject();
            db.ModelVersions.Add(registered);
            await db.SaveChangesAsync(cancellationToken);
        }
        if (promote) servingModel.Promote(new ServingSnapshot(outcome.Challenger, version));
        LogRegistered(logger, version, outcome.Decision.Reason);
        return new TrainingResult(registered, outcome, new TrainingTimings(loading, outcome.FeatureTime, outcome.TrainingTime, outcome.EvaluationTime, stopwatch.Elapsed));
    }

    /// <summary>Serves the given non-serving version (administrators); fails when it is unknown, serving or its file is bad.</summary>
    public async Task<Result> PromoteAsync(long id, string actorId, CancellationToken cancellationToken)
    {
        var target = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (target is null) return Result.NotFound(Text.Get("This model version does not exist."));
        if (target.IsServing) return Result.Fail(ErrorCode.Conflict, Text.Get("This version is already serving."));
        return await SwapToAsync(target, new(actorId, AuditActions.ModelPromote), cancellationToken);
    }

    /// <summary>Serves the version that served before the current one.</summary>
    public async Task<Result> RollbackAsync(string actorId, CancellationToken cancellationToken)
    {
        var current = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);
        var previous = await db.ModelVersions.AsNoTracking()
            .Where(m => m.Status != ModelStatus.Serving && m.ActivatedUtc != null && (current == null || m.ActivatedUtc < current.ActivatedUtc))
            .OrderByDescending(m => m.ActivatedUtc).FirstOrDefaultAsync(cancellationToken);
        if (previous is null) return Result.Fail(ErrorCode.Unavailable, Text.Get("There is no earlier serving version to roll back to."));
        return await SwapToAsync(previous, new(actorId, AuditActions.ModelRollback), cancellationToken);
    }

    /// <summary>Who asked for a swap and as what, for the audit log.</summary>
    private sealed record AuditedBy(string ActorId, string Action);

    private async Task<Result> SwapToAsync(ModelVersion target, AuditedBy by, CancellationToken cancellationToken)
    {
        IFraudModel model;
        try
        {
            var content = await artifacts.ReadAsync(target.FileName, cancellationToken) ?? throw new IOException("No stored model file.");
            (model, _) = ModelFile.Load(new MemoryStream(content, writable: false), signingKey, TransactionFeatures.Names);
        }
        catch (ModelFormatException ex)
        {
            // The registry keeps such a version as history; the reason (an older format or feature schema) is shown.
            return Result.Fail(ErrorCode.Invalid, Text.Format("This version cannot serve: {0}", ex.Message));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Result.Fail(ErrorCode.Invalid, Text.Get("This version's model file cannot be read."));
        }
        try
        {
            await ServeAsync(target, clock.GetUtcNow().UtcDateTime, by, cancellationToken);
        }
        catch (DomainException ex)
        {
            return Result.Fail(ErrorCode.Conflict, Text.Of(ex));
        }
        catch (DbUpdateException)
        {
            // The unique index on the serving row: another promotion (maybe in another process) got there first.
            return Result.Fail(ErrorCode.Conflict, Text.Get("Another version was promoted at the same time; reload and try again."));
        }
        // Loaded before the swap: requests keep scoring with the old snapshot until this single exchange.
        servingModel.Promote(new ServingSnapshot(model, target.Version));
        LogLoaded(logger, target.Version);
        return Result.Ok;
    }

    /// <summary>Loads the serving version's model into the holder; false (and an error in the log) when there is none or its file is bad.</summary>
    public async Task<bool> LoadServingAsync(CancellationToken cancellationToken)
    {
        var active = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);
        if (active is null)
        {
            LogNoModel(logger);
            return false;
        }
        try
        {
            var content = await artifacts.ReadAsync(active.FileName, cancellationToken) ?? throw new IOException("No stored model file.");
            var (model, _) = ModelFile.Load(new MemoryStream(content, writable: false), signingKey, TransactionFeatures.Names);
            servingModel.Promote(new ServingSnapshot(model, active.Version));
            LogLoaded(logger, active.Version);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ModelFormatException or UnauthorizedAccessException)
        {
            LogBadModel(logger, ex, active.Version);
            return false;
        }
    }

    private async Task SaveAsync(FastTreeModel model, ModelMetadata metadata, string fileName, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(stream, model, metadata, signingKey);
        await artifacts.SaveAsync(fileName, stream.ToArray(), cancellationToken);
    }

    /// <summary>
    /// Serves <paramref name="target"/> (new, or read without tracking) in place of the serving row, in one transaction.
    /// SQLite checks the unique serving index row by row and EF Core does not order updates by a filtered index, so
    /// the retired row is saved first, on its own; a concurrent promotion elsewhere makes the second save fail.
    /// </summary>
    private async Task ServeAsync(ModelVersion target, DateTime nowUtc, AuditedBy? by, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var serving = await db.ModelVersions.FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);
        var before = serving?.Version;
        target.Promote(serving, nowUtc);
        await db.SaveChangesAsync(cancellationToken);
        // An administrator's swap is audited in the same transaction; automatic promotions are in the registry itself.
        if (by is not null)
        {
            await audit.AppendAsync(by.ActorId, by.Action, "model", target.Id.ToString(CultureInfo.InvariantCulture),
                new { Serving = before }, new { Serving = target.Version }, cancellationToken);
        }
        if (target.Id == 0) db.ModelVersions.Add(target);
        else db.ModelVersions.Update(target);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<string> UniqueVersionAsync(DateTime now, CancellationToken cancellationToken)
    {
        var baseName = "gbt-" + now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var name = baseName;
        for (var i = 2; await db.ModelVersions.AnyAsync(m => m.Version == name, cancellationToken); i++)
        {
            name = baseName + "-" + i.ToString(CultureInfo.InvariantCulture);
        }
        return name;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: registered {Version}: {Decision}")]
    private static partial void LogRegistered(ILogger logger, string version, string decision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: loaded {Version} for serving")]
    private static partial void LogLoaded(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No active model is registered: transactions cannot be scored until one is trained.")]
    private static partial void LogNoModel(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The active model {Version} could not be loaded: transactions cannot be scored.")]
    private static partial void LogBadModel(ILogger logger, Exception ex, string version);
}
