using FraudWeb.Data;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Reports;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure.Telemetry;

/// <summary>
/// Counts the review queue every Telemetry:QueueDepthInterval for fraudweb.review.queue_depth, so a scrape (or a
/// busy scraper) never runs a database query. Registered after the start-up initialiser, so it starts once migrated.
/// </summary>
public sealed partial class ReviewQueueSampler(
    IServiceScopeFactory scopes,
    FraudMetrics metrics,
    IOptions<TelemetryOptions> options,
    ILogger<ReviewQueueSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.QueueDepthInterval);
        try
        {
            do
            {
                await SampleAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (also when the host fails to start): not a failure of the service.
        }
    }

    /// <summary>One count; on failure the gauge reports nothing until the next good count.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            metrics.ReviewQueueSampled(await AwaitingReview.CountAsync(scope.ServiceProvider.GetRequiredService<FraudDbContext>(), cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.ReviewQueueSampled(null);
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the review queue for its metric failed; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
