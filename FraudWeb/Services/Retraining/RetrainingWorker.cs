using System.Diagnostics;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Retraining;

/// <summary>
/// The single consumer of the retraining queue: recovers an interrupted run at start, then looks for triggers and
/// queued runs every poll interval (or at once when woken). Training runs here, never in a request.
/// </summary>
public sealed partial class RetrainingWorker(
    IServiceScopeFactory scopes,
    RetrainingSignal signal,
    IOptions<RetrainingSettings> options,
    FraudMetrics metrics,
    ILogger<RetrainingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var recovered = await scope.ServiceProvider.GetRequiredService<RetrainingService>().RecoverInterruptedAsync(stoppingToken);
                if (recovered > 0) LogRecovered(logger, recovered);
            }
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken);
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a run cut off here stays Running and is recovered at the next start.
        }
    }

    /// <summary>One pass: queue a run if a trigger is due, then train every queued run in turn.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<RetrainingService>();
            await service.CheckTriggersAsync(cancellationToken);
            while (await service.ClaimNextAsync(cancellationToken) is { } run)
            {
                LogStarting(logger, run.Id, run.Trigger);
                await ExecuteMeasuredAsync(service, run, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A database hiccup must not stop the worker for good; the next poll tries again.
            LogPassFailed(logger, ex);
        }
    }

    /// <summary>One run, counted by outcome with its duration; a run cut off by a stop is not counted (it runs again).</summary>
    private async Task ExecuteMeasuredAsync(RetrainingService service, RetrainingRun run, CancellationToken cancellationToken)
    {
        using var span = FraudMetrics.ActivitySource.StartActivity("fraudweb.retraining.run");
        var stopwatch = Stopwatch.StartNew();
        string? outcome = RetrainingOutcomes.Failed;
        try
        {
            var result = await service.ExecuteAsync(run, cancellationToken);
            outcome = result is null ? RetrainingOutcomes.Failed
                : result.Version.Status == ModelStatus.Serving ? RetrainingOutcomes.Promoted
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Retraining: a worker pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception ex);
}
