using System.Threading.Channels;
using FraudWeb.Infrastructure.Options;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// Tells the other instances to forget a cached entry (a user's security stamp, an API key) once a change has
/// committed, through PostgreSQL's LISTEN/NOTIFY: each instance holds one listening connection. The change's request
/// waits until the message is sent, so the other instances hear of it before the person who made the change hears it
/// is done (delivery itself takes well under a millisecond); a listener that lost its connection forgets everything
/// on reconnecting, since it may have missed messages. SQLite runs one instance: nothing is sent or received there.
/// </summary>
public sealed partial class ClusterInvalidation(IOptions<DatabaseOptions> database, ILogger<ClusterInvalidation> logger) : BackgroundService
{
    public const string Channel = "fraudweb_invalidate";
    private readonly string _instance = Guid.NewGuid().ToString("N");
    // How long a change's request waits for its message to go out when PostgreSQL is slow or down.
    private static readonly TimeSpan SendWait = TimeSpan.FromSeconds(3);
    private readonly Channel<(string Message, TaskCompletionSource Sent)> _outbox =
        System.Threading.Channels.Channel.CreateUnbounded<(string, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>A message from another instance: its kind and key (null: everything of that kind).</summary>
    public event Action<string, string?>? Received;

    /// <summary>The listener (re)connected: messages may have been missed, so caches forget everything.</summary>
    public event Action? MayHaveMissedMessages;

    private bool Enabled => DataServiceCollectionExtensions.ProviderOf(database.Value) == DatabaseProvider.Postgres;

    /// <summary>
    /// Sends the message to the other instances (in order) and completes once it has gone out, or failed, or after
    /// a few seconds; it never throws, since the change it reports has already committed.
    /// </summary>
    public async Task PublishAsync(string kind, string? key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (!Enabled) return;
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_outbox.Writer.TryWrite(($"{_instance}|{kind}|{key}", sent))) return;
        await sent.Task.WaitAsync(SendWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Enabled ? Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken)) : Task.CompletedTask;

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PostgresConnectionString(database.Value))
        {
            Pooling = false,
            KeepAlive = 30,
        }.ConnectionString;
        // Failures in a row: the first is logged with its exception, the rest at Debug, and the recovery once (an outage
        // logged a stack trace every second). The wait grows to 5 s, no more: while this instance does not listen,
        // other instances' changes reach its caches only when it listens again.
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, e) => Dispatch(e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                MayHaveMissedMessages?.Invoke();
                if (failures > 0) LogListeningAgain(logger, failures);
                failures = 0;
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                if (failures++ == 0) LogListenFailed(logger, ex);
                else LogListenStillFailing(logger, failures, ex.Message);
                MayHaveMissedMessages?.Invoke();
                var wait = TimeSpan.FromSeconds(Math.Min(5, 1 << Math.Min(failures - 1, 3)));
                await Task.Delay(wait, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Tries of one message before it is dropped (about 2 s in all): a restart's dead connection fails only the first.</summary>
    private const int SendAttempts = 4;

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        // Its own connection, outside the app's pool and kept open: a message is sent while the change's transaction
        // still holds its pooled connection (EF Core runs the commit interceptor first), so taking a second one from
        // a bounded pool could wait on requests that wait on this (the pool is 16 by default).
        var connectionString = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PostgresConnectionString(database.Value))
        {
            Pooling = false,
            KeepAlive = 30,
        }.ConnectionString;
        NpgsqlConnection? connection = null;
        try
        {
            await foreach (var (message, sent) in _outbox.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    for (var attempt = 1; ; attempt++)
                    {
                        try
                        {
                            if (connection is null)
                            {
                                connection = new NpgsqlConnection(connectionString);
                                await connection.OpenAsync(stoppingToken);
                            }
                            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                            notify.Parameters.AddWithValue("channel", Channel);
                            notify.Parameters.AddWithValue("payload", message);
                            await notify.ExecuteNonQueryAsync(stoppingToken);
                            break;
                        }
                        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
                        {
                            // The kept connection died with a restart of the database (or the network): the same message
                            // again on a new one, so the change still reaches the others. Only when the database stays
                            // unreachable is it dropped; the others' entries then expire (stamps: MaxAge; keys: 30 s).
                            if (connection is not null) await connection.DisposeAsync();
                            connection = null;
                            if (attempt == SendAttempts)
                            {
                                LogSendFailed(logger, ex);
                                break;
                            }
                            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), stoppingToken);
                        }
                    }
                }
                finally
                {
                    sent.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    private void Dispatch(string payload)
    {
        var parts = payload.Split('|', 3);
        if (parts.Length != 3 || parts[0] == _instance) return;
        Received?.Invoke(parts[1], parts[2].Length == 0 ? null : parts[2]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache invalidation: the listening connection failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cache invalidation: still cannot listen ({Failures} tries): {Reason}")]
    private static partial void LogListenStillFailing(ILogger logger, int failures, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cache invalidation: listening again after {Failures} failed tries")]
    private static partial void LogListeningAgain(ILogger logger, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache invalidation: could not notify the other instances")]
    private static partial void LogSendFailed(ILogger logger, Exception ex);
}
