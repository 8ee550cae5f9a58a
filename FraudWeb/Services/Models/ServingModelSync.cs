using FraudWeb.Infrastructure.Database;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Models;

/// <summary>
/// Keeps this instance serving the registry's serving version: a promotion or rollback made on another instance is
/// served here within one poll (Models:ServingPollSeconds, 2 s by default). One indexed single-row read per poll;
/// the model itself is loaded only when the version changed. Polling rather than PostgreSQL LISTEN/NOTIFY: it works
/// the same on both providers and survives a dropped connection without missing a change (ADR 0011).
/// A version this instance cannot load leaves the model in memory serving; the registry marks it unusable (and falls
/// back to an earlier version) only when its shared file itself is bad (<see cref="ServingLoad.Sync"/>).
/// </summary>
public sealed partial class ServingModelSync(
    IServiceScopeFactory scopes, IServingModel serving, IConfiguration configuration, TimeProvider clock, ILogger<ServingModelSync> logger)
    : BackgroundService
{
    public const string IntervalSetting = "Models:ServingPollSeconds";

    // A version that failed to load here is tried again after this, not every poll: each try reads the whole file
    // from the database, and a file this instance cannot use does not change by itself.
    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(1);

    private FailedLoad? _failed;

    /// <summary>Polls in a row that could not read the database: logged once with the exception, then once at recovery.</summary>
    private int _unreachable;

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
            if (_unreachable > 0) LogReachableAgain(logger, _unreachable);
            _unreachable = 0;
            if (version is null || version == serving.Current?.Version) return false;
            var failed = _failed;
            if (failed is not null && failed.Version == version && clock.GetUtcNow() - failed.AtUtc < RetryFailedAfter) return false;
            var loaded = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().LoadServingAsync(ServingLoad.Sync, cancellationToken);
            _failed = loaded ? null : new FailedLoad(version, clock.GetUtcNow());
            // After a fallback the version loaded is an earlier one, not the one polled.
            if (loaded) LogSynced(logger, serving.Current?.Version ?? version);
            return loaded;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may be briefly unreachable; the next poll tries again and the current model keeps serving.
            // An outage is said once, not every 2 s with its stack trace; any other failure each time.
            if (!DatabaseFaults.IsUnavailable(ex)) LogFailed(logger, ex);
            else if (_unreachable++ == 0) LogUnreachable(logger, ex.Message);
            return false;
        }
    }

    private sealed record FailedLoad(string Version, DateTimeOffset AtUtc);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: now serving {Version}, promoted elsewhere")]
    private static partial void LogSynced(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model: could not check the serving version")]
    private static partial void LogFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model: the database cannot be reached to check the serving version ({Reason}); the current model keeps serving")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: the database answers again after {Polls} polls")]
    private static partial void LogReachableAgain(ILogger logger, int polls);
}
