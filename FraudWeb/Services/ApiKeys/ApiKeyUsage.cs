using System.Collections.Concurrent;
using FraudWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.ApiKeys;

/// <summary>
/// API keys' "last used" times, written in the background: a request notes its key here (to the minute, as the page
/// shows it) and a round every <see cref="FlushInterval"/> writes every noted key in one transaction. Written by each
/// request, the update took SQLite's write lock against the payment writer once a minute for every key in use, and
/// those requests waited behind the writer's commits: API payments stalled up to 600 ms (p99 168-487 ms at 4
/// connections in the first run of each minute, 12 ms otherwise; issue 17).
/// </summary>
public sealed partial class ApiKeyUsage(IServiceScopeFactory scopes, ILogger<ApiKeyUsage> logger) : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<long, DateTime> _noted = new();

    /// <summary>Keys noted and not yet written.</summary>
    public int Pending => _noted.Count;

    /// <summary>Notes that the key was used at <paramref name="usedUtc"/> (the latest of several notes is kept).</summary>
    public void Note(long keyId, DateTime usedUtc) =>
        _noted.AddOrUpdate(keyId, usedUtc, (_, noted) => usedUtc > noted ? usedUtc : noted);

    /// <summary>Writes the noted keys now, in one transaction; what fails is noted again for the next round.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new List<(long KeyId, DateTime UsedUtc)>();
        foreach (var keyId in _noted.Keys)
        {
            if (_noted.TryRemove(keyId, out var usedUtc)) batch.Add((keyId, usedUtc));
        }
        if (batch.Count == 0) return 0;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var (keyId, usedUtc) in batch)
            {
                // Never backwards: another instance may have written a later use.
                await db.ApiKeys.Where(k => k.Id == keyId && (k.LastUsedUtc == null || k.LastUsedUtc < usedUtc))
                    .ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedUtc, usedUtc), cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return batch.Count;
        }
        catch
        {
            foreach (var (keyId, usedUtc) in batch) Note(keyId, usedUtc);
            throw;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushLoggedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushLoggedAsync(cancellationToken);
    }

    private async Task FlushLoggedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // "Last used" is informational: the next round tries again, and the requests never waited for it.
            LogFailed(logger, Pending, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the last use of {Count} API keys failed; the next round tries again")]
    private static partial void LogFailed(ILogger logger, int count, Exception exception);
}
