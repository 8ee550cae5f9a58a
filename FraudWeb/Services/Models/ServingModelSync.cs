using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Models;

/// <summary>
/// Keeps this instance serving the registry's serving version: a promotion or rollback made on another instance is
/// served here within one poll (Models:ServingPollSeconds, 2 s by default). One indexed single-row read per poll;
/// the model itself is loaded only when the version changed. Polling rather than PostgreSQL LISTEN/NOTIFY: it works
/// the same on both providers and survives a dropped connection without missing a change (ADR 0011).
/// </summary>
public sealed partial class ServingModelSync(IServiceScopeFactory scopes, IServingModel serving, IConfiguration configuration, ILogger<ServingModelSync> logger)
    : BackgroundService
{
    public const string IntervalSetting = "Models:ServingPollSeconds";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = Math.Clamp(configuration.GetValue(IntervalSetting, 2.0), 0.1, 3600);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await SyncOnceAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Loads the registry's serving version if this instance serves another; true when it changed.</summary>
    public async Task<bool> SyncOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            var version = await db.ModelVersions.AsNoTracking().Where(m => m.Status == ModelStatus.Serving)
                .Select(m => m.Version).FirstOrDefaultAsync(cancellationToken);
            if (version is null || version == serving.Current?.Version) return false;
            var loaded = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().LoadServingAsync(cancellationToken);
            if (loaded) LogSynced(logger, version);
            return loaded;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may be briefly unreachable; the next poll tries again and the current model keeps serving.
            LogFailed(logger, ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: now serving {Version}, promoted elsewhere")]
    private static partial void LogSynced(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model: could not check the serving version")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
