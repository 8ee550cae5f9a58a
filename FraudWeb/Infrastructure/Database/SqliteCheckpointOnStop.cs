using Microsoft.Data.Sqlite;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// Once everything else has stopped, SQLite's write-ahead log is copied into the database file and emptied, so a clean
/// stop leaves the whole database in fraudweb.db. The app's connections stay open in their pools until the process
/// ends, so SQLite's own checkpoint on the last close never came: an operator's copy of fraudweb.db after a clean stop
/// was an empty 4 KB file, the data all in fraudweb.db-wal (operator test).
/// </summary>
/// <remarks>
/// In <see cref="StoppedAsync"/>: after every hosted service has stopped (the server, the payment writer, the retraining
/// worker), whether the host stops them one by one or together. It ran on ApplicationStopped before: when two stops
/// overlap (a test host's, aspnetcore#40271), the second returns while the first is still running that callback, and a
/// test read the log before the checkpoint had emptied it. Each stop awaits its own StoppedAsync.
/// </remarks>
/// <param name="connectionString">The SQLite database's; null on PostgreSQL, where there is nothing to do.</param>
public sealed partial class SqliteCheckpointOnStop(string? connectionString, ILogger<SqliteCheckpointOnStop> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        // Past the shutdown's time-out already: one try, no waiting.
        if (connectionString is not null) Checkpoint(cancellationToken.IsCancellationRequested ? TimeSpan.Zero : GiveUpAfter);
        return Task.CompletedTask;
    }

    private void Checkpoint(TimeSpan giveUpAfter)
    {
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using (var wait = connection.CreateCommand())
            {
                wait.CommandText = "PRAGMA busy_timeout=1000;";
                wait.ExecuteNonQuery();
            }
            // A pooled connection's reader, or a checkpoint another stop began at the same moment, keeps it busy: tried
            // again, idle pooled connections closed between tries, for a few seconds at most.
            var deadline = System.Diagnostics.Stopwatch.StartNew();
            for (var attempt = 1; ; attempt++)
            {
                if (CheckpointOnce(connection) is not { } result)
                {
                    LogFailed(logger, "the checkpoint answered nothing");
                    return;
                }
                if (result.Busy == 0)
                {
                    LogEmptied(logger, result.Pages, result.Copied, attempt);
                    return;
                }
                if (deadline.Elapsed >= giveUpAfter)
                {
                    LogBusy(logger);
                    return;
                }
                SqliteConnection.ClearPool(connection);
                Thread.Sleep(200);
            }
        }
        catch (SqliteException ex)
        {
            // The log stays; SQLite replays it at the next start, so nothing is lost.
            LogFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: the database's write-ahead log could not be emptied (a connection was still busy); the next start replays it")]
    private static partial void LogBusy(ILogger logger);

    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(3);

    /// <summary>Its one row: busy (1 when a reader or writer kept it from finishing), pages in the log, pages copied.</summary>
    private static (int Busy, int Pages, int Copied)? CheckpointOnce(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)) : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: the database's write-ahead log emptied ({Pages} pages, {Copied} copied; try {Attempt})")]
    private static partial void LogEmptied(ILogger logger, int pages, int copied, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: the database's write-ahead log could not be emptied ({Reason}); the next start replays it")]
    private static partial void LogFailed(ILogger logger, string reason);
}
