using System.Collections.Concurrent;
using FraudWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.ApiKeys;

/// <summary>
/// API keys' "last used" times, written apart from the requests: a request notes its key here (to the minute, as the
/// page shows it); the payment writer writes the noted keys in its next batch's transaction, and a round every
/// <see cref="FlushInterval"/> writes what is left when no payments come. Written by each request, the update took
/// SQLite's write lock beside the payment writer once a minute for every key in use; the writer, finding the lock
/// taken, slept (Microsoft.Data.Sqlite retries a busy database every 150 ms) and API payments stalled up to 600 ms
/// (p99 168-487 ms at 4 connections in the first run of each minute, 12 ms otherwise; issue 17).
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

    /// <summary>Takes every noted key (for a writer that writes them in its own transaction).</summary>
    public IReadOnlyList<(long KeyId, DateTime UsedUtc)> Take()
    {
        var taken = new List<(long KeyId, DateTime UsedUtc)>();
        foreach (var keyId in _noted.Keys)
        {
            if (_noted.TryRemove(keyId, out var usedUtc)) taken.Add((keyId, usedUtc));
        }
        return taken;
    }

    /// <summary>Notes again what was taken and not written (its transaction failed).</summary>
    public void Restore(IReadOnlyList<(long KeyId, DateTime UsedUtc)> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        foreach (var (keyId, usedUtc) in taken) Note(keyId, usedUtc);
    }

    /// <summary>Writes taken keys in the context's current transaction; a later stored use is never moved back.</summary>
    public static async Task WriteAsync(FraudDbContext db, IReadOnlyList<(long KeyId, DateTime UsedUtc)> taken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(taken);
        // In key order: inside the payment writer's transaction on two instances, one order each (the dictionary's,
        // which follows arrival) locked two keys' rows in opposite orders and deadlocked (review, PostgreSQL).
        foreach (var (keyId, usedUtc) in taken.OrderBy(k => k.KeyId))
        {
            // Never backwards: another instance may have written a later use.
            await db.ApiKeys.Where(k => k.Id == keyId && (k.LastUsedUtc == null || k.LastUsedUtc < usedUtc))
                .ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedUtc, usedUtc), cancellationToken);
        }
    }

    /// <summary>Writes the noted keys now, in one transaction; what fails is noted again for the next round.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        var taken = Take();
        if (taken.Count == 0) return 0;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await WriteAsync(db, taken, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return taken.Count;
        }
        catch
        {
            Restore(taken);
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
