using System.Diagnostics;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Telemetry;
using FraudWeb.Services.Models;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Retraining;

/// <summary>
/// The consumer of the retraining queue on each instance: every poll interval (or at once when woken) it recovers a
/// run whose lease ran out, looks for triggers and trains queued runs, one at a time across all instances (the
/// claim), renewing the run's lease meanwhile. Training runs here, never in a request.
/// </summary>
public sealed partial class RetrainingWorker(
    IServiceScopeFactory scopes,
    FraudWebPaths paths,
    TimeProvider clock,
    RetrainingSignal signal,
    IOptions<RetrainingSettings> options,
    FraudMetrics metrics,
    ILogger<RetrainingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var leftovers = ChildProcessTrainer.RemoveLeftovers(paths.DataDirectory, clock.GetUtcNow().UtcDateTime);
        if (leftovers > 0) LogLeftovers(logger, leftovers);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken);
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a run cut off here was handed over (RunOnceAsync); if that failed, it stays Running until its
            // lease runs out, then any instance recovers it.
        }
    }

    /// <summary>One pass: queue a run if a trigger is due, then train every queued run in turn.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<RetrainingService>();
            // Every pass, not only at start: a run left by a crashed instance is picked up by one still running.
            var recovered = await service.RecoverInterruptedAsync(cancellationToken);
            if (recovered > 0) LogRecovered(logger, recovered);
            await service.CheckTriggersAsync(cancellationToken);
            while (await service.ClaimNextAsync(cancellationToken) is { } run)
            {
                LogStarting(logger, run.Id, run.Trigger);
                using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using var training = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var lease = RenewLeaseAsync(run.Id, training, renewing.Token);
                try
                {
                    await ExecuteMeasuredAsync(service, run, training.Token);
                }
                catch (OperationCanceledException) when (training.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // The run is no longer this instance's (another recovered it after its lease ran out): its recovery
                    // stands and its next attempt trains; two trainings of the same labels would race for the registry.
                    LogLeaseLost(logger, run.Id);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopping: the run is handed over now rather than when its lease runs out.
                    await HandOverAsync(run.Id);
                    throw;
                }
                finally
                {
                    await renewing.CancelAsync();
                    await lease;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A database hiccup must not stop the worker for good; the next poll tries again. An outage is a warning
            // without the stack trace (every pass logged an error with one); anything else is an error.
            if (Infrastructure.Database.DatabaseFaults.IsUnavailable(ex)) LogPassDatabaseUnavailable(logger, ex.Message);
            else LogPassFailed(logger, ex);
        }
    }

    /// <summary>
    /// Renews the run's lease every quarter of it while it trains (its own scope: the training owns the other); stops
    /// the training when the run is no longer Running (the renewal updates nothing).
    /// </summary>
    private async Task RenewLeaseAsync(long runId, CancellationTokenSource training, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.RunLease / 4);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    if (await scope.ServiceProvider.GetRequiredService<RetrainingService>().RenewLeaseAsync(runId, cancellationToken) == 0)
                    {
                        await training.CancelAsync();
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogLeaseFailed(logger, ex, runId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    /// <summary>Marks the run interrupted and queues its recovery, within a few seconds of the host's shutdown time.</summary>
    private async Task HandOverAsync(long runId)
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<RetrainingService>().StopTrainingAsync(runId, limit.Token)) LogHandedOver(logger, runId);
        }
        catch (Exception ex)
        {
            // Before its recovery was queued it is still Running, recovered when its lease runs out, as after a crash;
            // after, the queued recovery trains (the run may show Running until then).
            LogHandOverFailed(logger, ex, runId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: retraining run {RunId} is marked interrupted and queued again for the next instance to train")]
    private static partial void LogHandedOver(ILogger logger, long runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: could not hand retraining run {RunId} over; if no recovery run was queued, it is recovered when its lease runs out")]
    private static partial void LogHandOverFailed(ILogger logger, Exception ex, long runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} training folders left by a stopped process")]
    private static partial void LogLeftovers(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining: could not renew the lease of run {RunId}")]
    private static partial void LogLeaseFailed(ILogger logger, Exception ex, long runId);

    /// <summary>One run, counted by outcome with its duration; a run cut off by a stop is not counted (it runs again).</summary>
    private async Task ExecuteMeasuredAsync(RetrainingService service, RetrainingRun run, CancellationToken cancellationToken)
    {
        using var span = FraudMetrics.ActivitySource.StartActivity("fraudweb.retraining.run");
        var stopwatch = Stopwatch.StartNew();
        string? outcome = RetrainingOutcomes.Failed;
        try
        {
            var result = await service.ExecuteAsync(run, cancellationToken);
            // A run another instance took over is counted there, when its next attempt ends: not here as a rejection.
            outcome = result is null ? RetrainingOutcomes.Failed
                : result.Version.Status == ModelStatus.Serving ? RetrainingOutcomes.Promoted
                : result.Version.DecisionReason?.StartsWith(ModelRegistry.RunTakenOverPrefix, StringComparison.Ordinal) == true ? null
                : RetrainingOutcomes.Rejected;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = null;
            throw;
        }
        finally
        {
            span?.SetTag(FraudMetrics.OutcomeTag, outcome ?? "interrupted");
            if (outcome is not null) metrics.RetrainingFinished(outcome, stopwatch.Elapsed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining: {Count} interrupted run(s) marked failed and queued again")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining: run {RunId} ({Trigger}) started")]
    private static partial void LogStarting(ILogger logger, long runId, RetrainingTrigger trigger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining run {RunId} was recovered by another instance while this one trained it (its lease had run out); this training stopped")]
    private static partial void LogLeaseLost(ILogger logger, long runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining: the database cannot be reached ({Reason}); the next pass tries again")]
    private static partial void LogPassDatabaseUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retraining: a worker pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception ex);
}
