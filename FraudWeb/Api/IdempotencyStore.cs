using FraudWeb.Infrastructure.Database;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace FraudWeb.Api;

/// <summary>What a request carrying an Idempotency-Key may do.</summary>
public enum IdempotencyClaim
{
    /// <summary>First use: run it; the response is stored.</summary>
    Claimed,
    /// <summary>The same request was answered: replay the stored response.</summary>
    Answered,
    /// <summary>The same request is running now (a concurrent retry).</summary>
    InProgress,
    /// <summary>The key was used with another request.</summary>
    Mismatch,
}

/// <summary>
/// Idempotency records in the database, so every instance sees them and concurrent retries are settled by the unique
/// index (exactly one insert wins). Each operation uses its own context, apart from the request's unit of work.
/// </summary>
public sealed class IdempotencyStore(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>
    /// How long a claim may stay unanswered before it counts as abandoned: far beyond any request's run (a payment takes
    /// milliseconds, a batch of labels seconds), short beside the key's 24 hours.
    /// </summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    /// <summary>Claims the key for this request, or says why not (with the stored record when answered).</summary>
    public async Task<(IdempotencyClaim Claim, IdempotencyRecord? Record)> ClaimAsync(long apiKeyId, string key, string requestHash, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            var now = clock.GetUtcNow().UtcDateTime;
            var record = IdempotencyRecord.Begin(apiKeyId, key, requestHash, now);
            // The unique key settles the race: another request holds it when nothing was inserted (a full or
            // unreachable database throws, a 503).
            if (await TryInsertAsync(db, record, cancellationToken)) return (IdempotencyClaim.Claimed, record);
            var existing = await FindAsync(db, apiKeyId, key, cancellationToken);
            if (existing is null) continue; // released meanwhile: claim again
            if (existing.IsExpired(now))
            {
                await db.IdempotencyRecords.Where(r => r.Id == existing.Id).ExecuteDeleteAsync(cancellationToken);
                continue;
            }
            // A claim never answered for this long was left by a process that died mid-request: no answer will come,
            // so it is taken over (only while still unanswered) rather than refusing the key for a day.
            if (!existing.IsCompleted && now - existing.CreatedUtc > AbandonedAfter && existing.RequestHash == requestHash)
            {
                await db.IdempotencyRecords.Where(r => r.Id == existing.Id && r.StatusCode == null).ExecuteDeleteAsync(cancellationToken);
                continue;
            }
            if (existing.RequestHash != requestHash) return (IdempotencyClaim.Mismatch, existing);
            return (existing.IsCompleted ? IdempotencyClaim.Answered : IdempotencyClaim.InProgress, existing);
        }
        return (IdempotencyClaim.InProgress, null);
    }

    /// <summary>The record as stored now, or null.</summary>
    public async Task<IdempotencyRecord?> FindAsync(long apiKeyId, string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await FindAsync(scope.ServiceProvider.GetRequiredService<FraudDbContext>(), apiKeyId, key, cancellationToken);
    }

    /// <summary>
    /// Stores the response a retry will receive. Done already (an earlier try committed before its connection failed) or
    /// gone (taken over as abandoned, or purged): nothing to do.
    /// </summary>
    public async Task CompleteAsync(long recordId, int statusCode, string? contentType, string? location, byte[] body)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var record = await db.IdempotencyRecords.SingleOrDefaultAsync(r => r.Id == recordId);
        if (record is null || record.IsCompleted) return;
        record.Complete(statusCode, contentType, location, body);
        await db.SaveChangesAsync();
    }

    /// <summary>Forgets a claim whose request did not produce a final answer (a server error, a limit), so a retry runs again.</summary>
    public async Task ReleaseAsync(long recordId)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FraudDbContext>().IdempotencyRecords.Where(r => r.Id == recordId).ExecuteDeleteAsync();
    }

    /// <summary>Deletes records past their 24 hours.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var cutoff = clock.GetUtcNow().UtcDateTime - IdempotencyRecord.Retention;
        return await scope.ServiceProvider.GetRequiredService<FraudDbContext>().IdempotencyRecords
            .Where(r => r.CreatedUtc < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    private RowInsert? _insert;

    private async Task<bool> TryInsertAsync(FraudDbContext db, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        // One provider per process: the statement is built once from the model.
        var insert = _insert ??= RowInsert.For(db.Model.FindEntityType(typeof(IdempotencyRecord))!, db.GetService<ISqlGenerationHelper>());
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        return await insert.TryInsertAsync(command, record, cancellationToken);
    }

    private static Task<IdempotencyRecord?> FindAsync(FraudDbContext db, long apiKeyId, string key, CancellationToken cancellationToken) =>
        db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.ApiKeyId == apiKeyId && r.Key == key, cancellationToken);
}

/// <summary>Purges expired idempotency records every hour.</summary>
public sealed partial class IdempotencyJanitor(IdempotencyStore store, ILogger<IdempotencyJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // First after an hour: at start-up the database may still be migrating.
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var purged = await store.PurgeExpiredAsync(stoppingToken);
                    if (purged > 0) LogPurged(logger, purged);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next round tries again; expired records are also ignored when a key is claimed.
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (also when the host fails to start): not a failure of the service.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency records")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging expired idempotency records failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
