using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Retraining;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Models;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Retraining;

/// <summary>
/// The persisted retraining queue: requests (button, label count, schedule), the atomic claim that lets only one run
/// be Running, the run itself and the recovery of a run interrupted by a stop.
/// </summary>
public sealed partial class RetrainingService(
    FraudDbContext db,
    ModelRegistry registry,
    RetrainingSignal signal,
    IOptions<RetrainingSettings> options,
    TimeProvider clock,
    ILogger<RetrainingService> logger)
{
    /// <summary>Queues a run unless one is already waiting (then that one is returned).</summary>
    public async Task<RetrainingRun> RequestAsync(RetrainingTrigger trigger, string? requestedBy, CancellationToken cancellationToken)
    {
        var waiting = await db.RetrainingRuns.FirstOrDefaultAsync(r => r.Status == RetrainingRunStatus.Queued, cancellationToken);
        if (waiting is not null) return waiting;
        var now = clock.GetUtcNow().UtcDateTime;
        var run = RetrainingRun.Queue(trigger, requestedBy, now, await AnalystLabelsAsync(cancellationToken));
        db.RetrainingRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return run;
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
    /// </summary>
    public async Task<RetrainingRun?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        var next = await db.RetrainingRuns.AsNoTracking().Where(r => r.Status == RetrainingRunStatus.Queued)
            .OrderBy(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken);
        if (next is not { } id) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        int claimed;
        try
        {
            claimed = await db.RetrainingRuns
                .Where(r => r.Id == id && r.Status == RetrainingRunStatus.Queued
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

    /// <summary>Trains for a claimed run and records how it ended; never throws for a failed training.</summary>
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
            var result = await registry.TrainAsync(trigger, null, cancellationToken);
            run.Succeed(result.Version.Version, result.Outcome.Decision.Reason, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(CancellationToken.None);
            return result;
        }
        catch (Exception ex) when (ex is RetrainingException or IOException or DbUpdateException or ArgumentException or InvalidOperationException)
        {
            LogFailed(logger, ex, run.Id);
            db.ChangeTracker.Clear();
            var stored = await db.RetrainingRuns.FirstAsync(r => r.Id == run.Id, CancellationToken.None);
            stored.Fail(ex.Message, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(CancellationToken.None);
            return null;
        }
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
        foreach (var run in running.Where(r => r.IsAbandoned(now, lease)))
        {
            // RetrainingRun.Fail done by the database, only if nobody renewed or recovered the run meanwhile: when two
            // instances find the same abandoned run, one recovers it and queues one run again.
            var seen = run.HeartbeatUtc;
            recovered += await db.RetrainingRuns
                .Where(r => r.Id == run.Id && r.Status == RetrainingRunStatus.Running && r.HeartbeatUtc == seen)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RetrainingRunStatus.Failed)
                    .SetProperty(r => r.Error, "Interrupted: the instance training it stopped.")
                    .SetProperty(r => r.FinishedUtc, now), cancellationToken);
        }
        if (recovered == 0) return 0;
        await RequestAsync(RetrainingTrigger.Recovery, null, cancellationToken);
        return recovered;
    }

    public Task<List<RetrainingRun>> RecentRunsAsync(int count, CancellationToken cancellationToken) =>
        db.RetrainingRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(count).ToListAsync(cancellationToken);

    /// <summary>Labels given by analysts (the seeder's simulated labels are marked "simulator" and do not count).</summary>
    private Task<int> AnalystLabelsAsync(CancellationToken cancellationToken) =>
        db.Transactions.CountAsync(t => t.LabelledBy != null && t.LabelledBy != SimulatorLabeller, cancellationToken);

    private const string SimulatorLabeller = "simulator";

    [LoggerMessage(Level = LogLevel.Error, Message = "Retraining run {RunId} failed")]
    private static partial void LogFailed(ILogger logger, Exception ex, long runId);
}
