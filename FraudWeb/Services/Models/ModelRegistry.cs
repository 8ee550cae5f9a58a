using FraudWeb.Infrastructure.Localization;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
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

/// <summary>A version put in service by staff: by a rollback (else a promotion by hand), and when.</summary>
public sealed record StaffSwap(bool Rollback, DateTime AtUtc);

/// <summary>Where one training's time went (the bench-retrain verb prints these).</summary>
public sealed record TrainingTimings(TimeSpan DataLoading, TimeSpan Features, TimeSpan Training, TimeSpan Evaluation, TimeSpan Promotion);

public sealed record TrainingResult(ModelVersion Version, RetrainingOutcome Outcome, TrainingTimings Timings);

/// <summary>Why the serving version is being loaded: it decides what a model file that fails may change in the registry.</summary>
public enum ServingLoad
{
    /// <summary>This instance is starting: a serving file that fails is marked unusable and an earlier version serves.</summary>
    Start,

    /// <summary>
    /// A poll following another instance's promotion: the registry changes only when the shared file itself is bad
    /// (missing or failing its checksum), never because this instance cannot use it (another key, schema or build).
    /// </summary>
    Sync,
}

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
    Cards.IssuerClock issuerClock,
    ChildProcessTrainer childProcessTrainer,
    ModelSigningKey signingKey,
    ModelChartsStore charts,
    AuditLog audit,
    ILogger<ModelRegistry> logger)
{
    // Why a version cannot serve, recorded in English; the Models page translates these forms (ModelTexts.Unusable).
    public const string MissingFileReason = "The model file is missing.";
    public const string CorruptFileReasonPrefix = "The model file is corrupt: ";
    public const string CannotServeReasonPrefix = "This version cannot serve: ";

    // A first-start model's decision when the serving version could not be loaded here (ModelTexts.Reason translates them).
    public const string InPlaceOfPrefix = "Promoted in place of version ";
    public const string NotReplacedPrefix = "Not promoted: version ";

    public Task<bool> HasServingVersionAsync(CancellationToken cancellationToken) =>
        db.ModelVersions.AnyAsync(m => m.Status == ModelStatus.Serving, cancellationToken);

    /// <summary>The version serving now, or null before the first model.</summary>
    public Task<ModelVersion?> ServingVersionAsync(CancellationToken cancellationToken) =>
        db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);

    /// <summary>The version serving now with its metrics read, or Unavailable before the first model.</summary>
    public async Task<Result<ServingVersionSummary>> ServingSummaryAsync(CancellationToken cancellationToken)
    {
        var model = await ServingVersionAsync(cancellationToken);
        return model is null
            ? Result.Fail<ServingVersionSummary>(ErrorCode.Unavailable, "No model is serving yet.")
            : Result.Success(new ServingVersionSummary(model, ModelMetrics.Read(model.MetricsJson)));
    }

    /// <summary>The latest registered versions, newest first (the dashboard's list).</summary>
    public Task<List<ModelVersion>> RecentVersionsAsync(int count, CancellationToken cancellationToken) =>
        db.ModelVersions.AsNoTracking().OrderByDescending(m => m.CreatedUtc).ThenByDescending(m => m.Id).Take(count).ToListAsync(cancellationToken);

    /// <summary>
    /// Each listed version's latest swap made by staff (a promotion by hand or a rollback), from the audit log: a version
    /// rolled back to kept its first promotion's decision and showed nothing of the rollback (analyst test).
    /// </summary>
    public async Task<Dictionary<long, StaffSwap>> LatestStaffSwapsAsync(IReadOnlyCollection<long> versionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versionIds);
        var targets = versionIds.Select(id => id.ToString(CultureInfo.InvariantCulture)).ToList();
        var swaps = db.Set<AuditEntry>().AsNoTracking()
            .Where(a => a.TargetType == "model" && (a.Action == AuditActions.ModelPromote || a.Action == AuditActions.ModelRollback)
                && a.ActorId != AuditLog.SystemActor && targets.Contains(a.TargetId));
        // Each version's newest: one version swapped many times must not push the others' out (review).
        var latest = swaps.GroupBy(a => a.TargetId).Select(g => g.Max(a => a.Id));
        var entries = await swaps.Where(a => latest.Contains(a.Id))
            .Select(a => new { a.TargetId, a.Action, a.TimestampUtc })
            .ToListAsync(cancellationToken);
        return entries.ToDictionary(a => long.Parse(a.TargetId, CultureInfo.InvariantCulture), a => new StaffSwap(a.Action == AuditActions.ModelRollback, a.TimestampUtc));
    }

    /// <summary>The days the serving version was not trained on, where a challenger is compared with it; null if not recorded.</summary>
    private async Task<HoldoutWindow?> HoldoutOfAsync(string version, CancellationToken cancellationToken)
    {
        var stored = await db.ModelVersions.AsNoTracking().Where(m => m.Version == version)
            .Select(m => new { m.HoldoutStartUtc, m.HoldoutEndUtc }).FirstOrDefaultAsync(cancellationToken);
        return stored is { HoldoutStartUtc: { } start, HoldoutEndUtc: { } end } ? new HoldoutWindow(start, end) : null;
    }

    /// <summary>
    /// The first start's model, or the one that starts an instance nothing could be loaded on: trained and served (no
    /// champion to beat). A serving version this instance cannot use (signed with another key, an older format or
    /// feature schema: a key change, an upgrade) is replaced by it, as nothing here could serve otherwise; one written
    /// by a newer release is not, so an older build never takes a newer one's place.
    /// </summary>
    public async Task<ModelVersion> TrainAndServeAsync(CancellationToken cancellationToken)
    {
        var unusable = servingModel.Current is null ? await UnusableServingAsync(cancellationToken) : null;
        return (await TrainAsync("first start", seedOptions.Value.Trees, unusable, cancellationToken)).Version;
    }

    /// <summary>The serving version when its file is intact but cannot be loaded here; null when it loads or none serves.</summary>
    private async Task<UnusableHere?> UnusableServingAsync(CancellationToken cancellationToken)
    {
        var serving = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);
        if (serving is null) return null;
        var attempt = await TryLoadAsync(serving, cancellationToken);
        return attempt.Failure is LoadFailure.Unusable or LoadFailure.Newer
            ? new UnusableHere(serving.Version, attempt.Error?.Message ?? attempt.Reason, Replace: attempt.Failure == LoadFailure.Unusable)
            : null;
    }

    /// <summary>
    /// Trains a challenger from a snapshot of the history, registers it, and promotes it when the pipeline says so
    /// (otherwise it is kept as Rejected with its metrics). CPU work runs on the thread pool, never a request.
    /// </summary>
    public Task<TrainingResult> TrainAsync(string trigger, int? trees, CancellationToken cancellationToken) =>
        TrainAsync(trigger, trees, unusable: null, cancellationToken);

    /// <summary>
    /// <see cref="TrainAsync(string, int?, CancellationToken)"/> for a retraining run: promoted only while the run is
    /// still this instance's (Running). Another instance recovers a run whose lease ran out and trains it again; the
    /// training here learns of that at its next renewal, which can come after it has finished.
    /// </summary>
    public Task<TrainingResult> TrainForRunAsync(long runId, string trigger, CancellationToken cancellationToken) =>
        TrainAsync(trigger, null, unusable: null, cancellationToken, forRun: runId);

    /// <summary>
    /// Tests only: runs after a training decided to promote and before its swap, where a concurrent rollback would
    /// come (deterministic ordering for the pin check under the serving lock).
    /// </summary>
    internal static readonly AsyncLocal<Func<Task>?> BeforeTrainingSwap = new();

    /// <summary>
    /// The retraining run whose training each listed version's latest automatic promotion came from (its audit entry
    /// names it), as a promotion by hand names its administrator.
    /// </summary>
    public async Task<Dictionary<long, long>> PromotingRunsAsync(IReadOnlyCollection<long> versionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versionIds);
        var targets = versionIds.Select(id => id.ToString(CultureInfo.InvariantCulture)).ToList();
        var entries = await db.Set<AuditEntry>().AsNoTracking()
            .Where(a => a.TargetType == "model" && a.Action == AuditActions.ModelPromote && a.ActorId == AuditLog.SystemActor && targets.Contains(a.TargetId))
            .OrderBy(a => a.Id)
            .Select(a => new { a.TargetId, a.After })
            .ToListAsync(cancellationToken);
        var runs = new Dictionary<long, long>();
        foreach (var entry in entries)
        {
            if (RunOf(entry.After) is { } run) runs[long.Parse(entry.TargetId, CultureInfo.InvariantCulture)] = run;
        }
        return runs;
    }

    private static long? RunOf(string? after)
    {
        if (string.IsNullOrEmpty(after)) return null;
        try
        {
            using var json = JsonDocument.Parse(after);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("RetrainingRun", out var run) && run.TryGetInt64(out var id) ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The retired format (<see cref="ModelFile.IsRetiredFormat"/>) of each of these stored model files that has one:
    /// such a version can never serve, so the page offers no promotion or rollback to it. Reads each file's first
    /// twelve bytes only (magic and format version), not the model, also of a file an older installation left in its
    /// models folder (review: those were offered for promotion, only to be refused once pressed).
    /// </summary>
    public async Task<Dictionary<string, int>> RetiredFormatsAsync(IReadOnlyCollection<string> fileNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fileNames);
        var retired = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, head) in await artifacts.HeadsAsync(fileNames, 12, cancellationToken))
        {
            if (ModelFile.RetiredFormatOf(head) is { } format) retired[name] = format;
        }
        return retired;
    }

    /// <summary>A version trained while a rolled-back version serves: "…{version}…, ({its own decision})".</summary>
    public const string PinnedPrefix = "Not promoted: an administrator rolled back to version ";
    public const string PinnedMiddle = ", which serves until a version is promoted by hand. (";

    /// <summary>
    /// Whether the serving model's last change was staff's rollback to this version: of every change of the serving
    /// model (promotions by anyone, rollbacks, fallbacks), the newest. A promotion by hand, or any later change, ends it.
    /// </summary>
    private async Task<bool> RolledBackToAsync(string version, CancellationToken cancellationToken)
    {
        var id = await db.ModelVersions.AsNoTracking().Where(v => v.Version == version).Select(v => (long?)v.Id).FirstOrDefaultAsync(cancellationToken);
        if (id is not { } known) return false;
        var last = await db.Set<AuditEntry>().AsNoTracking()
            .Where(a => a.TargetType == "model" && (a.Action == AuditActions.ModelPromote || a.Action == AuditActions.ModelRollback || a.Action == AuditActions.ModelFallback))
            .OrderByDescending(a => a.Id)
            .Select(a => new { a.Action, a.ActorId, a.TargetId })
            .FirstOrDefaultAsync(cancellationToken);
        return last is not null && last.Action == AuditActions.ModelRollback && last.ActorId != AuditLog.SystemActor
            && last.TargetId == known.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>What a version a recovered run trained says instead of being promoted.</summary>
    public const string RunTakenOverPrefix = "Not promoted: its retraining run was taken over by another instance after its lease ran out, and trains again there. ";

    /// <summary>The trigger of a model learnt from a simulated history (<see cref="TrainStarterAndServeAsync"/>).</summary>
    public const string StarterTrigger = "starter";

    /// <summary>
    /// The first model of an installation that seeds no demo history (Seed:Enabled false) and has none of its own to
    /// learn from yet: learnt from a simulated history held in memory only (Seed's sizes and random seed), so payments
    /// are scored from the first day. Nothing simulated is stored; the first retraining on the installation's own
    /// labelled payments replaces it by the usual comparison.
    /// </summary>
    public async Task<ModelVersion> TrainStarterAndServeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var seed = seedOptions.Value;
        var unusable = servingModel.Current is null ? await UnusableServingAsync(cancellationToken) : null;
        try
        {
            return (await TrainOnAsync(StarterHistory(seed), stopwatch, StarterTrigger, seed.Trees, unusable, cancellationToken)).Version;
        }
        catch (RetrainingException tooFew) when (tooFew.TooFewExamples
            && (seed.CardHolders < Defaults.CardHolders || seed.Terminals < Defaults.Terminals || seed.Days < Defaults.Days))
        {
            // A demo configured smaller than the defaults can simulate too few frauds to learn from (10 holders over 5
            // days had none, and the start stopped): the simulation is held in memory only, so take the default sizes.
            // Only then: a training that failed (a child process out of memory, say) would fail the larger one too.
            var sizes = new SeedOptions { RandomSeed = seed.RandomSeed };
            return (await TrainOnAsync(StarterHistory(sizes), stopwatch, StarterTrigger, seed.Trees, unusable, cancellationToken)).Version;
        }
    }

    private static readonly SeedOptions Defaults = new();

    private List<LabelledTransaction> StarterHistory(SeedOptions sizes)
    {
        var today = issuerClock.Today.ToDateTime(TimeOnly.MinValue);
        var simulation = Domain.Simulation.TransactionSimulator.Generate(new Domain.Simulation.SimulatorOptions
        {
            Customers = sizes.CardHolders,
            Terminals = sizes.Terminals,
            Days = sizes.Days,
            Start = DateTime.SpecifyKind(today.AddDays(-sizes.Days), DateTimeKind.Utc),
            Seed = sizes.RandomSeed,
        });
        return issuerClock.OnIssuersClock(simulation.Transactions).Select(t => new LabelledTransaction(t.TransactionId, t.Timestamp, t.CustomerId, t.TerminalId, t.Amount,
            t.IsFraud ? GroundTruth.Fraud : GroundTruth.Legitimate)).ToList();
    }

    private async Task<TrainingResult> TrainAsync(string trigger, int? trees, UnusableHere? unusable, CancellationToken cancellationToken, long? forRun = null)
    {
        var stopwatch = Stopwatch.StartNew();
        // One read: later labels do not leak into this run (they count towards the next one).
        var rows = await db.Transactions.AsNoTracking()
            .Select(t => new { t.Id, t.TimestampUtc, t.CardId, t.TerminalId, t.Amount, t.Label, t.LabelledUtc, Spend = PaymentStatusRule.CountsAsSpend.Invoke(t),
                Matures = PaymentStatusRule.SilenceMeansLegitimate.Invoke(t) })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) throw new RetrainingException("There is no history to train a model on.");
        // With when each fraud was confirmed: a later payment's terminal features count it only from then, as its scoring did.
        var history = rows.ConvertAll(t => new LabelledTransaction(t.Id, t.TimestampUtc, t.CardId, t.TerminalId, (double)t.Amount,
            t.Label switch { FraudLabel.Fraud => GroundTruth.Fraud, FraudLabel.Legitimate => GroundTruth.Legitimate, _ => GroundTruth.Unknown }, t.Spend, t.Matures,
            t.LabelledUtc));
        return await TrainOnAsync(history, stopwatch, trigger, trees, unusable, cancellationToken, forRun);
    }

    private async Task<TrainingResult> TrainOnAsync(List<LabelledTransaction> history, Stopwatch stopwatch, string trigger, int? trees, UnusableHere? unusable,
        CancellationToken cancellationToken, long? forRun = null)
    {
        var settings = retrainingOptions.Value;
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
            Features = scoringOptions.Value.Features(),
            Trainer = TransactionModelDefaults.Training(Math.Max(1, Environment.ProcessorCount)) with { NumberOfTrees = trees ?? settings.Trees },
        };
        var now = clock.GetUtcNow().UtcDateTime;
        var champion = servingModel.Current;
        var trainer = settings.TrainInChildProcess ? childProcessTrainer.For(cancellationToken) : null;
        var championHoldout = champion is null ? null : await HoldoutOfAsync(champion.Version, cancellationToken);
        // On a thread of its own: the run takes seconds to minutes, most of it waiting for the child process that trains.
        // On a thread-pool worker it held that worker throughout, and requests' continuations queued behind it (with
        // several apps training in the test process, requests stalled 15 s holding their pooled connections).
        var outcome = await Task.Factory.StartNew(() => RetrainingPipeline.Run(history, now, champion?.Model, options, trainer: trainer, championHoldout: championHoldout),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        stopwatch.Restart();
        var version = await UniqueVersionAsync(now, cancellationToken);
        var metrics = outcome.Metadata.Metrics.Where(m => !double.IsNaN(m.Value)).ToDictionary(m => m.Key, m => FourPlaces(m.Value));
        // The first model's key names, kept so existing readers of MetricsJson still find them.
        var holdout = outcome.ChallengerMetrics;
        metrics["trainingRows"] = outcome.Metadata.TrainingRows;
        metrics["validationRows"] = holdout.Rows;
        metrics["validationFrauds"] = holdout.Frauds;
        if (!double.IsNaN(holdout.Auc)) metrics["validationAucRoc"] = FourPlaces(holdout.Auc);
        if (!double.IsNaN(holdout.AveragePrecision)) metrics["validationAveragePrecision"] = FourPlaces(holdout.AveragePrecision);
        var metadata = new ModelMetadata
        {
            Version = version,
            CreatedUtc = now,
            TrainingWindowStart = outcome.TrainingWindowStart,
            TrainingWindowEnd = outcome.Metadata.TrainingWindowEnd,
            TrainingRows = outcome.Metadata.TrainingRows,
            TrainingFrauds = outcome.Metadata.TrainingFrauds,
            Metrics = metrics,
            TimeZone = scoringOptions.Value.Features().LocalTime.Id,
            LabelDelayDays = scoringOptions.Value.LabelDelayDays,
        };
        var fileName = version + ".model";
        await SaveAsync(outcome.Challenger, metadata, fileName, cancellationToken);
        await charts.WriteAsync(fileName, ModelCharts.FromHoldout(outcome), cancellationToken);

        // The row goes in only once the model is stored, so a crash never leaves a registered version without its model.
        var registered = ModelVersion.Register(version, fileName, now, metadata.TrainingRows, metadata.TrainingFrauds, JsonSerializer.Serialize(metrics));
        var promote = outcome.Decision.Promote || champion is null;
        var reason = outcome.Decision.Reason;
        // Compared with the model that served when training began: if an administrator promoted (or rolled back to)
        // another meanwhile, this challenger was never compared with it and must not silently replace their choice.
        string NotCompared(string? servingNow) => string.Create(CultureInfo.InvariantCulture,
            $"Not promoted: version {servingNow ?? "none"} was put in service while this one trained, and was not compared with it. Promote this version by hand if it is better. ({outcome.Decision.Reason})");
        if (promote && servingModel.Current?.Version != champion?.Version)
        {
            promote = false;
            reason = NotCompared(servingModel.Current?.Version);
        }
        // A staff rollback pins the version rolled back to: no training replaces it until a version is promoted by hand
        // (fraud-operations test: an analyst's "Retrain now" undid an administrator's rollback nine seconds later).
        // Checked in ServeAsync, under the serving lock: checked before it, a rollback committed in between was missed.
        // Nothing served here: the version the database serves is replaced only if this instance cannot use it.
        var replacing = champion?.Version;
        if (champion is null && unusable is not null)
        {
            if (unusable.Replace)
            {
                replacing = unusable.Version;
                reason = string.Create(CultureInfo.InvariantCulture, $"{InPlaceOfPrefix}{unusable.Version}, which cannot serve on this instance: {unusable.Reason}");
            }
            else
            {
                promote = false;
                reason = string.Create(CultureInfo.InvariantCulture, $"{NotReplacedPrefix}{unusable.Version}, written by a newer release, serves and cannot be loaded by this one: {unusable.Reason}");
            }
        }
        registered.Describe(trigger, outcome.TrainingWindowStart, outcome.Metadata.TrainingWindowEnd ?? now, JsonSerializer.Serialize(outcome.Labels), reason);
        registered.RecordHoldout(outcome.HoldoutStart, outcome.HoldoutEnd);
        if (promote)
        {
            if (BeforeTrainingSwap.Value is { } hook) await hook();
            try
            {
                // Serving from now, not from when training began; only in place of the champion it was compared with,
                // as the database has it (another instance's promotion or rollback reaches this one's memory later).
                // Audited as the system's promotion, with what triggered the training: every change of the serving
                // model is in the audit log (a training's was only in the registry's own table until 2026-12-06).
                await ServeAsync(registered, clock.GetUtcNow().UtcDateTime, new(AuditLog.SystemActor, AuditActions.ModelPromote, AuditTrigger(trigger)), cancellationToken,
                    replacing: new ExpectedServing(replacing), forRun: forRun, refuseIfPinned: champion is not null);
            }
            catch (PinnedByRollbackException pinned)
            {
                promote = false;
                registered.Describe(trigger, outcome.TrainingWindowStart, outcome.Metadata.TrainingWindowEnd ?? now, JsonSerializer.Serialize(outcome.Labels),
                    string.Create(CultureInfo.InvariantCulture, $"{PinnedPrefix}{pinned.Version}{PinnedMiddle}{outcome.Decision.Reason})"));
            }
            catch (ServingChangedException changed)
            {
                promote = false;
                registered.Describe(trigger, outcome.TrainingWindowStart, outcome.Metadata.TrainingWindowEnd ?? now, JsonSerializer.Serialize(outcome.Labels),
                    NotCompared(changed.ServingNow));
            }
            catch (RunTakenOverException)
            {
                // Kept as history; the run's next attempt, on the instance that recovered it, is compared and promoted.
                promote = false;
                registered.Describe(trigger, outcome.TrainingWindowStart, outcome.Metadata.TrainingWindowEnd ?? now, JsonSerializer.Serialize(outcome.Labels),
                    RunTakenOverPrefix + "(" + outcome.Decision.Reason + ")");
            }
        }
        if (!promote)
        {
            registered.Reject();
            db.ModelVersions.Add(registered);
            await db.SaveChangesAsync(cancellationToken);
        }
        if (promote) servingModel.Promote(new ServingSnapshot(outcome.Challenger, version));
        LogRegistered(logger, version, reason);
        return new TrainingResult(registered, outcome, new TrainingTimings(loading, outcome.FeatureTime, outcome.TrainingTime, outcome.EvaluationTime, stopwatch.Elapsed));
    }

    /// <summary>
    /// A metric to four places exactly as the decision's text writes it ("F4"): Math.Round rounds halves to even, so
    /// the page and the reason beside it once differed in the last digit.
    /// </summary>
    private static double FourPlaces(double value) =>
        double.Parse(value.ToString("F4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Serves the given non-serving version (administrators); fails when it is unknown, serving or its file is bad.</summary>
    public async Task<Result> PromoteAsync(long id, string actorId, CancellationToken cancellationToken)
    {
        var target = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (target is null) return Result.NotFound(Text.Get("This model version does not exist."));
        if (target.IsServing) return Result.Fail(ErrorCode.Conflict, Text.Get("This version is already serving."));
        if (!target.IsUsable) return Result.Fail(ErrorCode.Conflict, Text.Get("This version is marked unusable and cannot serve."));
        return await SwapToAsync(target, new(actorId, AuditActions.ModelPromote), cancellationToken);
    }

    /// <summary>
    /// Serves the version the current one replaced when it was promoted, and so on back with each rollback (skipping
    /// those whose file was found bad). Versions promoted before that was recorded: the one activated last before it.
    /// </summary>
    /// <param name="from">The version the administrator saw serving (null: none): a rollback goes one step back from what they saw, so a
    /// second administrator's (or a retried) rollback of the same page does not go a second step back nobody chose.</param>
    public async Task<Result> RollbackAsync(string actorId, long? from, CancellationToken cancellationToken)
    {
        var current = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);
        if (current?.Id != from) return Result.Fail(ErrorCode.Conflict, Text.Get(ServingChangedMeanwhile));
        var previous = await RollbackTargetAsync(current, cancellationToken);
        if (previous is null) return Result.Fail(ErrorCode.Unavailable, Text.Get("There is no earlier serving version to roll back to."));
        return await SwapToAsync(previous, new(actorId, AuditActions.ModelRollback), cancellationToken);
    }

    /// <summary>Whether a rollback from the serving version has a version to go back to (the page offers it only then).</summary>
    public async Task<bool> CanRollBackAsync(CancellationToken cancellationToken)
    {
        var current = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);
        return await RollbackTargetAsync(current, cancellationToken) is not null;
    }

    private async Task<ModelVersion?> RollbackTargetAsync(ModelVersion? current, CancellationToken cancellationToken)
    {
        ModelVersion? previous = null;
        if (current?.ReplacedVersionId is not null)
        {
            // A short chain (one row per promotion); followed in memory, past unusable versions, from the few columns it
            // needs (the models page asks on every view), then the one found read whole.
            var byId = await db.ModelVersions.AsNoTracking()
                .Select(m => new { m.Id, m.ReplacedVersionId, m.FileName, Usable = m.UnusableReason == null, Serving = m.Status == ModelStatus.Serving })
                .ToDictionaryAsync(m => m.Id, cancellationToken);
            var seen = new HashSet<long>();
            for (var id = current.ReplacedVersionId; id is { } next && seen.Add(next) && byId.TryGetValue(next, out var candidate); id = candidate.ReplacedVersionId)
            {
                // A retired format never serves again: offered, the rollback was only refused once pressed.
                if (candidate.Usable && !candidate.Serving && (await RetiredFormatsAsync([candidate.FileName], cancellationToken)).Count == 0)
                {
                    previous = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Id == candidate.Id, cancellationToken);
                    break;
                }
            }
        }
        // Nothing recorded for it: the first version, or one promoted before predecessors were recorded (then, while
        // no promotion has recorded one, the version activated last before it).
        else if (current is null || !await db.ModelVersions.AnyAsync(m => m.ReplacedVersionId != null, cancellationToken))
        {
            var earlier = await db.ModelVersions.AsNoTracking()
                .Where(m => m.Status != ModelStatus.Serving && m.ActivatedUtc != null && m.UnusableReason == null
                    && (current == null || m.ActivatedUtc < current.ActivatedUtc))
                .OrderByDescending(m => m.ActivatedUtc).ToListAsync(cancellationToken);
            var retired = await RetiredFormatsAsync(earlier.ConvertAll(m => m.FileName), cancellationToken);
            previous = earlier.Find(m => !retired.ContainsKey(m.FileName));
        }
        return previous;
    }

    public const string ServingChangedMeanwhile = "Another version has been put into service since this page was shown, so nothing was rolled back. Check the versions below and roll back again if you still want to.";

    /// <summary>Who asked for a swap and as what, for the audit log.</summary>
    /// <param name="Trigger">A training's promotion: what started the training, as a code name (never the requester's address).</param>
    private sealed record AuditedBy(string ActorId, string Action, string? Trigger = null);

    /// <summary>A version's trigger as the audit log records it: its kind ("manual: alice@example" is Manual; the name stays out of the log).</summary>
    private static string AuditTrigger(string trigger) => trigger switch
    {
        StarterTrigger => "Starter",
        "first start" => "FirstStart",
        "label threshold" => "LabelThreshold",
        "schedule" => "Schedule",
        "recovery" => "Recovery",
        _ when trigger.StartsWith("manual", StringComparison.Ordinal) => "Manual",
        _ => "Other",
    };

    private async Task<Result> SwapToAsync(ModelVersion target, AuditedBy by, CancellationToken cancellationToken)
    {
        var attempt = await TryLoadAsync(target, cancellationToken);
        if (attempt.Model is not { } model)
        {
            LogRefused(logger, attempt.Error, target.Version, attempt.Reason);
            if (attempt.Failure == LoadFailure.Unreadable) return Result.Fail(ErrorCode.Invalid, Text.Get("This version's model file cannot be read."));
            // The registry keeps it as history and now says why, so nobody tries it again. A file this instance merely
            // cannot use (another key or schema) is marked only while this instance serves a model, proving itself fine,
            // and never one from a newer release.
            if (attempt.BadEverywhere || (servingModel.Current is not null && attempt.Failure != LoadFailure.Newer))
            {
                await MarkUnusableAsync([new UnusableMark(target.Id, attempt.Reason)], null, clock.GetUtcNow().UtcDateTime, cancellationToken);
            }
            return Result.Fail(ErrorCode.Invalid, Text.Format("This version cannot serve: {0}",
                attempt.Failure == LoadFailure.Missing ? Text.Get("The model file is missing.") : attempt.Error?.Message ?? attempt.Reason));
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
        Serve(target.Version, model);
        return Result.Ok;
    }

    /// <summary>Loads the serving version's model at start (see <see cref="LoadServingAsync(ServingLoad, CancellationToken)"/>).</summary>
    public Task<bool> LoadServingAsync(CancellationToken cancellationToken) => LoadServingAsync(ServingLoad.Start, cancellationToken);

    /// <summary>
    /// Loads the serving version's model into the holder; false (and an error in the log) when no version can serve.
    /// When the serving file is missing or fails to load, it is marked unusable and the most recently activated earlier
    /// version that loads serves instead (<see cref="FallBackAsync"/>); from a poll only when the shared file itself is bad.
    /// </summary>
    public async Task<bool> LoadServingAsync(ServingLoad load, CancellationToken cancellationToken)
    {
        var active = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);
        if (active is null)
        {
            LogNoModel(logger);
            return false;
        }
        var attempt = await TryLoadAsync(active, cancellationToken);
        if (attempt.Model is not null)
        {
            Serve(active.Version, attempt.Model);
            return true;
        }
        LogBadModel(logger, attempt.Error, active.Version, attempt.Reason);
        // A read that failed just now, or (from a poll) a file only this instance cannot use, changes nothing shared:
        // whatever this instance has in memory keeps serving, and the registry stays as the other instances see it.
        if (attempt.Failure == LoadFailure.Unreadable || (load == ServingLoad.Sync && !attempt.BadEverywhere)) return false;
        return await FallBackAsync(active, attempt, load, cancellationToken);
    }

    /// <summary>
    /// The serving version's file failed: the most recently activated earlier usable version whose file loads serves
    /// instead, promoted in one transaction that marks the failed versions unusable, audited as the system's. Without
    /// one nothing serves (payments answer 503; start-up may train a fresh model). Another instance doing the same at
    /// the same moment makes the promotion fail (the unique serving index): then whatever serves now is loaded.
    /// </summary>
    private async Task<bool> FallBackAsync(ModelVersion broken, LoadAttempt failed, ServingLoad load, CancellationToken cancellationToken)
    {
        var earlier = await db.ModelVersions.AsNoTracking()
            .Where(m => m.Id != broken.Id && m.Status != ModelStatus.Serving && m.ActivatedUtc != null && m.UnusableReason == null)
            .OrderByDescending(m => m.ActivatedUtc).ThenByDescending(m => m.Id)
            .ToListAsync(cancellationToken);
        var failures = new List<(ModelVersion Version, LoadAttempt Attempt)> { (broken, failed) };
        ModelVersion? fallback = null;
        IFraudModel? model = null;
        foreach (var candidate in earlier)
        {
            var attempt = await TryLoadAsync(candidate, cancellationToken);
            if (attempt.Model is not null)
            {
                (fallback, model) = (candidate, attempt.Model);
                break;
            }
            LogBadModel(logger, attempt.Error, candidate.Version, attempt.Reason);
            failures.Add((candidate, attempt));
        }
        // A file bad for every instance is always marked. One this instance merely cannot use (another key, schema or
        // format) only at start and only when another version loaded here, which shows the instance itself is fine.
        var marks = failures
            .Where(f => f.Attempt.BadEverywhere || (f.Attempt.Failure == LoadFailure.Unusable && load == ServingLoad.Start && fallback is not null))
            .Select(f => new UnusableMark(f.Version.Id, f.Attempt.Reason))
            .ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        if (fallback is null || model is null)
        {
            if (marks.Count > 0) await MarkUnusableAsync(marks, broken.Id, now, cancellationToken);
            LogNoFallback(logger, broken.Version);
            return false;
        }
        try
        {
            await ServeAsync(fallback, now, new(AuditLog.SystemActor, AuditActions.ModelFallback), cancellationToken, new FallbackFrom(broken.Id, failed.Reason, marks));
        }
        catch (Exception ex) when (ex is DbUpdateException or DomainException)
        {
            // Another instance found the same shared file bad and replaced it first: its promotion stands.
            db.ChangeTracker.Clear();
            LogFallbackRaced(logger, broken.Version);
            return await LoadCurrentAsync(cancellationToken);
        }
        Serve(fallback.Version, model);
        LogFellBack(logger, broken.Version, failed.Reason, fallback.Version);
        return true;
    }

    /// <summary>Loads whatever serves now, changing nothing in the registry.</summary>
    private async Task<bool> LoadCurrentAsync(CancellationToken cancellationToken)
    {
        var active = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);
        if (active is null)
        {
            LogNoModel(logger);
            return false;
        }
        var attempt = await TryLoadAsync(active, cancellationToken);
        if (attempt.Model is null)
        {
            LogBadModel(logger, attempt.Error, active.Version, attempt.Reason);
            return false;
        }
        Serve(active.Version, attempt.Model);
        return true;
    }

    private void Serve(string version, IFraudModel model)
    {
        servingModel.Promote(new ServingSnapshot(model, version));
        LogLoaded(logger, version);
    }

    /// <summary>A version's model from its stored file, or why it cannot serve and whether the file itself is at fault.</summary>
    private async Task<LoadAttempt> TryLoadAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        byte[]? content;
        try
        {
            content = await artifacts.ReadAsync(version.FileName, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only the legacy models folder is read from disk; a failed read there says nothing about the file.
            return new LoadAttempt(null, LoadFailure.Unreadable, "The model file cannot be read: " + ex.Message, ex);
        }
        if (content is null) return new LoadAttempt(null, LoadFailure.Missing, MissingFileReason, null);
        try
        {
            var (model, _) = ModelFile.Load(new MemoryStream(content, writable: false), signingKey, TransactionFeatures.Names, scoringOptions.Value.Features().LocalTime,
                scoringOptions.Value.LabelDelayDays);
            return new LoadAttempt(model, LoadFailure.None, "", null);
        }
        catch (ModelFormatException ex)
        {
            return IsDamaged(content)
                ? new LoadAttempt(null, LoadFailure.Damaged, CorruptFileReasonPrefix + ex.Message, ex)
                : new LoadAttempt(null, IsNewerFormat(content) ? LoadFailure.Newer : LoadFailure.Unusable, CannotServeReasonPrefix + ex.Message, ex);
        }
    }

    /// <summary>
    /// Whether stored bytes fail the model file's own integrity check (see <see cref="ModelFile"/>: magic, int32 format
    /// version, body, SHA-256 of the body, HMAC): too short, not a model file, or a current-format file whose checksum
    /// does not match. That is the same on every instance, unlike a signature, feature schema or format version this
    /// instance cannot use.
    /// </summary>
    private static bool IsDamaged(byte[] content)
    {
        const int magicBytes = 8;
        const int hashBytes = 32;
        if (content.Length < magicBytes + sizeof(int) + 2 * hashBytes) return true;
        if (!content.AsSpan(0, magicBytes).SequenceEqual("FWGBT\r\n\u001A"u8)) return true;
        var version = BinaryPrimitives.ReadInt32LittleEndian(content.AsSpan(magicBytes));
        var bodyLength = content.Length - 2 * hashBytes;
        // A version no release reaches (65540: a flipped bit) with a wrong checksum is damage, as ModelFile.Load says,
        // not a newer release's file to keep serving.
        if (version is < 1 or > ModelFile.MaxPlausibleFormatVersion)
            return !SHA256.HashData(content.AsSpan(0, bodyLength)).AsSpan().SequenceEqual(content.AsSpan(bodyLength, hashBytes));
        // Older and newer formats lay out their trailer differently: whether they can serve is not a question of damage.
        if (version is not (ModelFile.FormatVersion or ModelFile.ZonelessFormatVersion)) return false;
        return !SHA256.HashData(content.AsSpan(0, bodyLength)).AsSpan().SequenceEqual(content.AsSpan(bodyLength, hashBytes));
    }

    /// <summary>An intact file of a format version above this release's (checked after <see cref="IsDamaged"/>).</summary>
    private static bool IsNewerFormat(byte[] content) => BinaryPrimitives.ReadInt32LittleEndian(content.AsSpan(8)) > ModelFile.FormatVersion;

    /// <summary>Records why these versions cannot serve, in one save; only <paramref name="retiring"/> may be taken out of service.</summary>
    private async Task MarkUnusableAsync(IReadOnlyList<UnusableMark> marks, long? retiring, DateTime nowUtc, CancellationToken cancellationToken)
    {
        await MarkTrackedAsync(marks, retiring, nowUtc, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task MarkTrackedAsync(IReadOnlyList<UnusableMark> marks, long? retiring, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var ids = marks.Select(m => m.Id).ToList();
        var versions = await db.ModelVersions.Where(m => ids.Contains(m.Id)).ToListAsync(cancellationToken);
        foreach (var version in versions)
        {
            // Serving meanwhile: promoted by an instance that could load it, so that instance's word stands.
            if (version.IsServing && version.Id != retiring) continue;
            version.MarkUnusable(marks.First(m => m.Id == version.Id).Reason, nowUtc);
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
    /// <remarks>
    /// With <paramref name="fallback"/> (an automatic fallback) the failed versions are marked unusable in the same
    /// transaction, the broken serving one retired with its mark; should another version serve by now (another instance
    /// fell back first), nothing changes and <see cref="DomainException"/> says so.
    /// </remarks>
    /// <param name="forRun">A retraining run's promotion: its lease is renewed here, and its audit entry names the run.</param>
    /// <param name="refuseIfPinned">A training's promotion: refused (<see cref="PinnedByRollbackException"/>) while staff's
    /// rollback pins the serving version, checked under the same lock as the swap.</param>
    private async Task ServeAsync(ModelVersion target, DateTime nowUtc, AuditedBy? by, CancellationToken cancellationToken, FallbackFrom? fallback = null,
        ExpectedServing? replacing = null, long? forRun = null, bool refuseIfPinned = false)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // PostgreSQL reads committed rows without locking them: without this, a promotion committed between this read
        // and this write made the write meet the unique serving index (a training's run failed with EF's message). Taken,
        // the serving row is read after any other swap commits. SQLite's write transaction already keeps them apart.
        if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ServingChangeLock})", cancellationToken);
        // The run's lease renewed in this transaction: its row stays locked until the promotion commits, so a recovery
        // (conditional on the heartbeat it read) either came first and this finds the run no longer Running, or comes
        // after and finds the heartbeat changed.
        if (forRun is { } runId && await db.RetrainingRuns.Where(r => r.Id == runId && r.Status == RetrainingRunStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatUtc, nowUtc), cancellationToken) == 0)
            throw new RunTakenOverException();
        var serving = await db.ModelVersions.FirstOrDefaultAsync(m => m.Status == ModelStatus.Serving, cancellationToken);
        var before = serving?.Version;
        // After the lock: a rollback committed since the training decided is seen here, before anything changes.
        if (refuseIfPinned && before is not null && await RolledBackToAsync(before, cancellationToken)) throw new PinnedByRollbackException(before);
        // None serving (the first model, or every one unusable): nothing of anyone's to overturn.
        if (replacing is not null && before is not null && replacing.Version != before) throw new ServingChangedException(before);
        if (fallback is not null)
        {
            if (serving is not null && serving.Id != fallback.BrokenId)
                throw new DomainException("The version to replace is not the serving one.", DomainErrorCode.StateChanged);
            await MarkTrackedAsync(fallback.Marks, fallback.BrokenId, nowUtc, cancellationToken);
            if (serving is { IsServing: false }) serving = null;
        }
        target.Promote(serving, nowUtc, goingBack: fallback is not null || by?.Action == AuditActions.ModelRollback);
        await db.SaveChangesAsync(cancellationToken);
        if (target.Id == 0) db.ModelVersions.Add(target);
        else db.ModelVersions.Update(target);
        await db.SaveChangesAsync(cancellationToken);
        // Every swap is audited in the same transaction: an administrator's, the system's fallback, a training's promotion
        // (after the save above, which gives a new version its id).
        if (by is not null)
        {
            await audit.AppendAsync(by.ActorId, by.Action, "model", target.Id.ToString(CultureInfo.InvariantCulture),
                new { Serving = before },
                fallback is not null ? new { Serving = target.Version, Unusable = fallback.Reason }
                    // A retraining run's promotion names its run, as a promotion by hand names its administrator.
                    : by.Trigger is { } trigger ? (forRun is { } run ? new { Serving = target.Version, Trigger = trigger, RetrainingRun = run } : new { Serving = target.Version, Trigger = trigger })
                    : (object)new { Serving = target.Version },
                cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The advisory lock every change of the serving version takes on PostgreSQL ("FwServe").</summary>
    private const long ServingChangeLock = 0x4677_5365_7276_65;

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Model: {Version} cannot be loaded: {Reason}")]
    private static partial void LogBadModel(ILogger logger, Exception? ex, string version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model: promotion of {Version} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, Exception? ex, string version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model: {Broken} cannot serve ({Reason}); fell back to {Version}, the latest earlier version that loads")]
    private static partial void LogFellBack(ILogger logger, string broken, string reason, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model: no earlier version can serve in place of {Version}: transactions cannot be scored until a model is trained or promoted.")]
    private static partial void LogNoFallback(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: another instance replaced {Version} at the same time; loading what serves now")]
    private static partial void LogFallbackRaced(ILogger logger, string version);

    /// <summary>Why one version cannot serve, to record on it.</summary>
    private sealed record UnusableMark(long Id, string Reason);

    /// <summary>An automatic fallback from the broken serving version, with every version found bad on the way.</summary>
    private sealed record FallbackFrom(long BrokenId, string Reason, IReadOnlyList<UnusableMark> Marks);

    /// <summary>A version's model as loaded, or why not (<see cref="Reason"/>, in English, as it is recorded).</summary>
    private sealed record LoadAttempt(IFraudModel? Model, LoadFailure Failure, string Reason, Exception? Error)
    {
        /// <summary>The stored file itself is at fault: every instance would find the same.</summary>
        public bool BadEverywhere => Failure is LoadFailure.Missing or LoadFailure.Damaged;
    }

    private enum LoadFailure
    {
        None,

        /// <summary>No stored file.</summary>
        Missing,

        /// <summary>The bytes fail their own integrity check.</summary>
        Damaged,

        /// <summary>Intact, but not usable here: another signing key, feature schema or format version.</summary>
        Unusable,

        /// <summary>Not readable just now (the legacy models folder).</summary>
        Unreadable,

        /// <summary>Intact, from a newer release (a higher format version): never marked or replaced by this one.</summary>
        Newer,
    }

    /// <summary>The serving version as this instance found it at start: intact but not loadable here, and why.</summary>
    private sealed record UnusableHere(string Version, string Reason, bool Replace);
}

/// <summary>The version a promotion may replace (null: none serving).</summary>
internal sealed record ExpectedServing(string? Version);

/// <summary>Staff's rollback pins the serving version (<see cref="Version"/>): no training replaces it.</summary>
internal sealed class PinnedByRollbackException(string version) : Exception("The serving version is pinned by a rollback.")
{
    public string Version { get; } = version;
}

/// <summary>The retraining run was recovered by another instance while this one trained it.</summary>
internal sealed class RunTakenOverException() : Exception("The retraining run was taken over by another instance.");

/// <summary>The serving version is not the one a promotion was decided against (another instance changed it).</summary>
internal sealed class ServingChangedException(string? servingNow) : Exception("The serving version changed.")
{
    public string? ServingNow { get; } = servingNow;
}
