using System.Linq.Expressions;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Retraining;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Models;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Retraining;

/// <summary>
/// The persisted retraining queue: requests (button, label count, schedule), the atomic claim that lets only one run
/// be Running, the run itself, the retry of a failed run (Retraining:MaxAttempts, after Retraining:RetryBackoff
/// doubled per attempt) and the recovery of a run interrupted by a stop. At most one run waits in the queue.
/// </summary>
public sealed partial class RetrainingService(
    FraudDbContext db,
    ModelRegistry registry,
    RetrainingSignal signal,
    AuditLog audit,
    IOptions<RetrainingSettings> options,
    TimeProvider clock,
    ILogger<RetrainingService> logger)
{
    /// <summary>
    /// Queues a run unless one is already waiting (then that one is returned; asked for by hand, a retry waiting out
    /// its backoff is brought forward: someone wants a run now).
    /// </summary>
    public async Task<RetrainingRun> RequestAsync(RetrainingTrigger trigger, string? requestedBy, CancellationToken cancellationToken)
    {
        var run = await QueueAsync(trigger, requestedBy, cancellationToken);
        signal.Wake();
        return run;
    }

    /// <summary>
    /// A person's request (the models page's button): queued and audited in one transaction; the run already
    /// training when it has every label confirmed so far (its status says Running).
    /// </summary>
    public async Task<RetrainingRun> RequestByAsync(string actorId, string? requestedBy, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var run = await QueueAsync(RetrainingTrigger.Manual, requestedBy, cancellationToken);
        await audit.AppendAsync(actorId, AuditActions.ModelRetrain, "retraining-run", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Names, not numbers: the audit page shows what is recorded.
            null, new { Status = run.Status.ToString(), Trigger = run.Trigger.ToString() }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Wake();
        return run;
    }

    private async Task<RetrainingRun> QueueAsync(RetrainingTrigger trigger, string? requestedBy, CancellationToken cancellationToken, RetrainingRun? recovering = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var waiting = await db.RetrainingRuns.FirstOrDefaultAsync(r => r.Status == RetrainingRunStatus.Queued, cancellationToken);
        if (waiting is not null)
        {
            if (trigger == RetrainingTrigger.Manual && waiting.RunNow(now)) await db.SaveChangesAsync(cancellationToken);
            return waiting;
        }
        var labels = await AnalystLabelsAsync(cancellationToken);
        // A second click (or a colleague's) while a run trains what is confirmed so far would train the same again
        // right after it: that run is the answer. With labels confirmed since it was asked for, a new run is queued.
        // Not a run whose lease has gone unrenewed for half its length (renewals come every quarter): its instance has
        // most likely stopped, and answering "it is training" would queue nothing until it is recovered.
        if (trigger == RetrainingTrigger.Manual
            && await db.RetrainingRuns.FirstOrDefaultAsync(r => r.Status == RetrainingRunStatus.Running, cancellationToken) is { } running
            && running.LabelCountAtRequest >= labels && !running.IsAbandoned(now, options.Value.RunLease / 2))
            return running;
        var run = recovering is null ? RetrainingRun.Queue(trigger, requestedBy, now, labels) : RetrainingRun.RecoveryOf(recovering, now, labels);
        db.RetrainingRuns.Add(run);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return run;
        }
        catch (DbUpdateException)
        {
            // Another request (on this instance or another) queued one at the same moment; the database keeps one
            // waiting run (IX_RetrainingRuns_OneQueued), and that run is the answer, or the run it became if a worker
            // has claimed it since (found on PostgreSQL: three clicks at once answered one of them with a 500).
            db.Entry(run).State = EntityState.Detached;
            var waitingNow = await db.RetrainingRuns.FirstOrDefaultAsync(r => r.Status == RetrainingRunStatus.Queued, cancellationToken)
                ?? await db.RetrainingRuns.Where(r => r.Status == RetrainingRunStatus.Running).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
            if (waitingNow is null) throw;
            return waitingNow;
        }
    }

    /// <summary>Queues a run when enough new confirmed labels have come in, or the schedule is due.</summary>
    public async Task<RetrainingRun?> CheckTriggersAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (await db.RetrainingRuns.AnyAsync(r => r.Status == RetrainingRunStatus.Queued || r.Status == RetrainingRunStatus.Running, cancellationToken))
        {
            return null;
        }
        var last = await db.RetrainingRuns.AsNoTracking().OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (settings.LabelThreshold > 0)
        {
            var labels = await AnalystLabelsAsync(cancellationToken);
            if (labels - (last?.LabelCountAtRequest ?? 0) >= settings.LabelThreshold)
            {
                return await RequestAsync(RetrainingTrigger.LabelThreshold, null, cancellationToken);
            }
        }
        if (settings.Interval > TimeSpan.Zero)
        {
            // Without any run yet the schedule counts from the serving model's creation.
            var since = last?.RequestedUtc
                ?? await db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => (DateTime?)m.CreatedUtc).FirstOrDefaultAsync(cancellationToken);
            if (since is { } from && clock.GetUtcNow().UtcDateTime - from >= settings.Interval)
            {
                return await RequestAsync(RetrainingTrigger.Schedule, null, cancellationToken);
            }
        }
        return null;
    }

    /// <summary>
    /// Claims the oldest queued run with one conditional UPDATE (Queued -> Running, only if nothing is Running), so
    /// two workers, even in two processes, never train at once. Null when there is nothing to do or a run is going.
    /// The UPDATE is <see cref="RetrainingRun.Start"/> done by the database: only there can it see every process's runs.
    /// A retry still waiting out its backoff is not claimed.
    /// </summary>
    public async Task<RetrainingRun?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var next = await db.RetrainingRuns.AsNoTracking().Where(r => r.Status == RetrainingRunStatus.Queued && (r.NotBeforeUtc == null || r.NotBeforeUtc <= now))
            .OrderBy(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken);
        if (next is not { } id) return null;
        int claimed;
        try
        {
            claimed = await db.RetrainingRuns
                .Where(r => r.Id == id && r.Status == RetrainingRunStatus.Queued && (r.NotBeforeUtc == null || r.NotBeforeUtc <= now)
                    && !db.RetrainingRuns.Any(o => o.Status == RetrainingRunStatus.Running))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RetrainingRunStatus.Running).SetProperty(r => r.StartedUtc, now)
                    .SetProperty(r => r.HeartbeatUtc, now), cancellationToken);
        }
        catch (DbException)
        {
            // Two claims of different runs at once (PostgreSQL's read-committed claims can both pass the NOT EXISTS):
            // the unique index on the Running row let the other one win. Anything else is a real error.
            if (await db.RetrainingRuns.AnyAsync(r => r.Status == RetrainingRunStatus.Running, cancellationToken)) return null;
            throw;
        }
        if (claimed == 0) return null;
        // The UPDATE bypassed the change tracker: a copy this context already tracks (queued in this same pass by
        // RequestAsync) still says Queued, so it is read again.
        if (db.RetrainingRuns.Local.FirstOrDefault(r => r.Id == id) is { } tracked)
        {
            await db.Entry(tracked).ReloadAsync(cancellationToken);
            return tracked;
        }
        return await db.RetrainingRuns.FirstAsync(r => r.Id == id, cancellationToken);
    }

    /// <summary>
    /// Trains for a claimed run and records how it ended; never throws for a failed training. A failed run is retried
    /// by policy: its next attempt is queued in the same save as the failure. A stop (cancellation) is not a failure:
    /// the run stays Running and is recovered once its lease runs out.
    /// </summary>
    public async Task<TrainingResult?> ExecuteAsync(RetrainingRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var trigger = run.Trigger switch
        {
            RetrainingTrigger.Manual => "manual: " + (run.RequestedBy ?? "unknown"),
            RetrainingTrigger.LabelThreshold => "label threshold",
            RetrainingTrigger.Schedule => "schedule",
            _ => "recovery",
        };
        try
        {
            var result = await registry.TrainForRunAsync(run.Id, trigger, cancellationToken);
            await WhileDatabaseUnavailableAsync(run.Id, () => RecordSuccessAsync(run.Id, result), cancellationToken);
            return result;
        }
        // Whatever stopped the training (too few labels, the disk, the database, a permission, a child process that
        // could not start, out of memory) fails the run with its message and goes to the retry policy; left Running it
        // would be recovered as "interrupted" after its lease and queued again without end. A stop is not a failure.
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var error = DatabaseFaults.IsUnavailable(ex) ? DatabaseUnavailableError : ex.Message;
            await WhileDatabaseUnavailableAsync(run.Id, () => RecordFailureAsync(run.Id, ex, error), cancellationToken);
            return null;
        }
    }

    /// <summary>A run that ended while the database could not be reached, so nothing it trained was kept.</summary>
    public const string DatabaseUnavailableError = "The database could not be reached, so the new model was not kept.";

    /// <summary>
    /// Records how a run ended, trying again while the database cannot answer: given up, the run stayed Running and was
    /// recovered after its lease as "the instance training it stopped", which was not what happened. The lease is
    /// renewed meanwhile; if another instance recovers the run (the outage outlasted the lease), the renewal stops this
    /// wait and that recovery stands.
    /// </summary>
    private async Task WhileDatabaseUnavailableAsync(long runId, Func<Task> record, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await record();
                return;
            }
            catch (Exception ex) when (DatabaseFaults.IsUnavailable(ex))
            {
                var wait = TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5)));
                LogRecordWaiting(logger, ex, runId, wait.TotalSeconds);
                await Task.Delay(wait, clock, cancellationToken);
            }
        }
    }

    private async Task RecordSuccessAsync(long runId, TrainingResult result)
    {
        db.ChangeTracker.Clear();
        var stored = await db.RetrainingRuns.FirstAsync(r => r.Id == runId, CancellationToken.None);
        // Recovered by another instance while this one trained (its lease had run out, RetrainingWorker stops the
        // training at the next renewal): that recovery stands rather than being overwritten as a success.
        if (stored.Status != RetrainingRunStatus.Running) return;
        stored.Succeed(result.Version.Version, result.Version.DecisionReason ?? result.Outcome.Decision.Reason, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(CancellationToken.None);
        // The requester's account was deleted (or its address changed) while this run trained: the erasure renamed the run,
        // but the new version was written afterwards with the name read at the start. It takes the run's name now.
        if (stored.Trigger == RetrainingTrigger.Manual && stored.RequestedBy is { } now && result.Version.Trigger != "manual: " + now)
        {
            var version = result.Version.Version;
            await db.ModelVersions.Where(m => m.Version == version && m.Trigger != null && m.Trigger.StartsWith("manual: "))
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Trigger, "manual: " + now), CancellationToken.None);
        }
    }

    /// <summary>Marks the run failed with <paramref name="error"/> and queues its retry by policy, in one save.</summary>
    private async Task RecordFailureAsync(long runId, Exception ex, string error)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow().UtcDateTime;
        var stored = await db.RetrainingRuns.FirstAsync(r => r.Id == runId, CancellationToken.None);
        // Recovered by another instance meanwhile: that recovery and the run it queued stand.
        if (stored.Status != RetrainingRunStatus.Running) return;
        stored.Fail(error, now);
        var retry = await RetryAsync(stored, now);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException saveFailure) when (retry is not null && !DatabaseFaults.IsUnavailable(saveFailure))
        {
            // A run was queued at the same moment (one waits at most): that one trains; the failure alone is recorded.
            db.ChangeTracker.Clear();
            stored = await db.RetrainingRuns.FirstAsync(r => r.Id == runId, CancellationToken.None);
            stored.Fail(error, now);
            retry = null;
            await db.SaveChangesAsync(CancellationToken.None);
        }
        var maxAttempts = options.Value.MaxAttempts;
        if (retry is not null) LogRetrying(logger, ex, stored.Id, stored.Attempt, maxAttempts, retry.Id, retry.NotBeforeUtc ?? now);
        else if (stored.CanRetry(maxAttempts)) LogFailedAnotherQueued(logger, ex, stored.Id, stored.Attempt, maxAttempts);
        else LogGaveUp(logger, ex, stored.Id, stored.Attempt, maxAttempts);
    }

    /// <summary>
    /// Adds the failed run's next attempt unless it has used them all or a run already waits (that one trains anyway;
    /// two queued runs would train the same data twice).
    /// </summary>
    private async Task<RetrainingRun?> RetryAsync(RetrainingRun failed, DateTime nowUtc)
    {
        var settings = options.Value;
        if (!failed.CanRetry(settings.MaxAttempts)) return null;
        if (await db.RetrainingRuns.AnyAsync(r => r.Status == RetrainingRunStatus.Queued, CancellationToken.None)) return null;
        var retry = RetrainingRun.RetryOf(failed, nowUtc, settings.RetryBackoff, settings.MaxAttempts);
        db.RetrainingRuns.Add(retry);
        return retry;
    }

    /// <summary>Renews a running run's lease (its instance is still training it).</summary>
    public Task<int> RenewLeaseAsync(long runId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.RetrainingRuns.Where(r => r.Id == runId && r.Status == RetrainingRunStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatUtc, now), cancellationToken);
    }

    /// <summary>
    /// A run still Running whose lease has run out was cut off (a stop or a crashed instance, this one or another):
    /// it is marked Failed and queued again. A run another live instance is training keeps its renewed lease.
    /// </summary>
    public async Task<int> RecoverInterruptedAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lease = options.Value.RunLease;
        var running = await db.RetrainingRuns.AsNoTracking().Where(r => r.Status == RetrainingRunStatus.Running).ToListAsync(cancellationToken);
        var recovered = 0;
        RetrainingRun? last = null;
        foreach (var run in running.Where(r => r.IsAbandoned(now, lease)))
        {
            // RetrainingRun.Fail done by the database, only if nobody renewed or recovered the run meanwhile: when two
            // instances find the same abandoned run, one recovers it and queues one run again.
            var seen = run.HeartbeatUtc;
            var marked = await db.RetrainingRuns
                .Where(r => r.Id == run.Id && r.Status == RetrainingRunStatus.Running && r.HeartbeatUtc == seen)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RetrainingRunStatus.Failed)
                    .SetProperty(r => r.Error, InterruptedError)
                    .SetProperty(r => r.FinishedUtc, now), cancellationToken);
            recovered += marked;
            if (marked > 0) last = run;
        }
        if (last is null) return 0;
        await QueueAsync(RetrainingTrigger.Recovery, null, cancellationToken, recovering: last);
        signal.Wake();
        return recovered;
    }

    /// <summary>What an interrupted run's error says (the models page translates it).</summary>
    public const string InterruptedError = "Interrupted: the instance training it stopped.";

    /// <summary>
    /// This instance is stopping while it trains the run: the run is marked interrupted and its recovery queued now,
    /// for another instance or the next start, instead of showing Running until its lease ran out (fraud-operations
    /// test: a minute and more after a clean stop). Nothing when the run is no longer Running (recovered elsewhere).
    /// </summary>
    public async Task<bool> StopTrainingAsync(long runId, CancellationToken cancellationToken)
    {
        var run = await db.RetrainingRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId && r.Status == RetrainingRunStatus.Running, cancellationToken);
        if (run is null) return false;
        // Its recovery first: should the stop cut this short, the run is still Running and is recovered when its lease
        // runs out, never Failed with nothing queued (review). A queued run already waiting is the recovery.
        await QueueAsync(RetrainingTrigger.Recovery, null, cancellationToken, recovering: run);
        var now = clock.GetUtcNow().UtcDateTime;
        var marked = await db.RetrainingRuns
            .Where(r => r.Id == runId && r.Status == RetrainingRunStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RetrainingRunStatus.Failed)
                .SetProperty(r => r.Error, InterruptedError)
                .SetProperty(r => r.FinishedUtc, now), cancellationToken);
        // Woken once the run is no longer Running: a worker claims nothing while one is.
        signal.Wake();
        return marked > 0;
    }

    /// <summary>The attempts a run gets in all (Retraining:MaxAttempts), for the pages that show "attempt 2 of 3".</summary>
    public int MaxAttempts => options.Value.MaxAttempts;

    public Task<List<RetrainingRun>> RecentRunsAsync(int count, CancellationToken cancellationToken) =>
        db.RetrainingRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(count).ToListAsync(cancellationToken);

    /// <summary>Labels given by analysts (the seeder's simulated labels are marked "simulator" and do not count).</summary>
    private Task<int> AnalystLabelsAsync(CancellationToken cancellationToken) => db.Transactions.CountAsync(AnalystLabelled, cancellationToken);

    /// <summary>A payment an analyst labelled; the index IX_Transactions_AnalystLabels holds exactly these.</summary>
    public static readonly Expression<Func<CardTransaction, bool>> AnalystLabelled =
        t => t.LabelledBy != null && t.LabelledBy != CardTransaction.SimulatorLabeller;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining run {RunId} ended, but the database could not record it; trying again in {Seconds} s")]
    private static partial void LogRecordWaiting(ILogger logger, Exception ex, long runId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining run {RunId} failed (attempt {Attempt} of {MaxAttempts}); run {RetryRunId} retries it after {NotBeforeUtc:O}")]
    private static partial void LogRetrying(ILogger logger, Exception ex, long runId, int attempt, int maxAttempts, long retryRunId, DateTime notBeforeUtc);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining run {RunId} failed (attempt {Attempt} of {MaxAttempts}); not retried, a queued run will train instead")]
    private static partial void LogFailedAnotherQueued(ILogger logger, Exception ex, long runId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retraining run {RunId} failed on its last attempt ({Attempt} of {MaxAttempts}); no further retry")]
    private static partial void LogGaveUp(ILogger logger, Exception ex, long runId, int attempt, int maxAttempts);
}
