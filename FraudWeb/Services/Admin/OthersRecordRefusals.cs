using System.Threading.Channels;
using FraudWeb.Data;

namespace FraudWeb.Services.Admin;

/// <summary>
/// Refusals of another person's id (<see cref="AccessAuditService.RecordOthersRecordAsync"/>) are written here, off the
/// request: a request that queues one answers as fast as one for a missing id, and its connection's next request is
/// not held up by the write either (Kestrel waits for a response's completion callbacks before it reads on). What is
/// queued when the app stops is written before the writer ends.
/// </summary>
public sealed partial class OthersRecordRefusals(IServiceScopeFactory scopes, ILogger<OthersRecordRefusals> logger) : BackgroundService
{
    /// <summary>One refusal, as <see cref="AccessAuditService.RecordOthersRecordAsync"/> records it.</summary>
    public sealed record Refusal(string ActorId, OwnedRecord Record, long Id, string Owner, string Method, string Path, long? ApiKeyId, string? Trace);

    // Bounded: the throttle lets few through (ten per user a minute); a flood past this many at once is logged, not queued.
    private readonly Channel<Refusal> _queue = Channel.CreateBounded<Refusal>(new BoundedChannelOptions(1024));

    public void Queue(Refusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (!_queue.Writer.TryWrite(refusal)) LogDropped(logger, refusal.ActorId, refusal.Record, refusal.Id);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        // Queued before a loop that never started (stopped at once): written here.
        while (_queue.Reader.TryRead(out var refusal)) await WriteAsync(refusal);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not stoppingToken: what is queued is written before the loop ends (StopAsync completes the queue).
        await foreach (var refusal in _queue.Reader.ReadAllAsync(CancellationToken.None)) await WriteAsync(refusal);
    }

    private async Task WriteAsync(Refusal refusal)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AccessAuditService>().RecordOthersRecordAsync(refusal.ActorId, refusal.Record, refusal.Id,
                refusal.Owner, refusal.Method, refusal.Path, refusal.ApiKeyId, refusal.Trace, CancellationToken.None);
        }
#pragma warning disable CA1031 // One entry's failure (the database away) must not stop the ones after it.
        catch (Exception ex)
        {
            LogNotRecorded(logger, ex, refusal.ActorId, refusal.Record, refusal.Id);
        }
#pragma warning restore CA1031
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {ActorId} was answered 404 for another person's {Record} {Id}; it could not be audited")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string actorId, OwnedRecord record, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {ActorId} was answered 404 for another person's {Record} {Id}; not audited: the app is stopping or too many refusals wait to be written")]
    private static partial void LogDropped(ILogger logger, string actorId, OwnedRecord record, long id);
}
