using Microsoft.Data.Sqlite;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// Once everything else has stopped, SQLite's write-ahead log is copied into the database file and emptied, so a clean
/// stop leaves the whole database in fraudweb.db. The app's connections stay open in their pools until the process
/// ends, so SQLite's own checkpoint on the last close never came: an operator's copy of fraudweb.db after a clean stop
/// was an empty 4 KB file, the data all in fraudweb.db-wal (operator test).
/// </summary>
/// <remarks>
/// Registered first among the hosted services, so it is stopped last: after the server, the payment writer and the
/// retraining worker have finished their writes. (It ran on ApplicationStopped before; in one suite run in about
/// fifteen that callback left no trace at all and the log stayed full, while StopAsync is always awaited.)
/// </remarks>
/// <param name="connectionString">The SQLite database's; null on PostgreSQL, where there is nothing to do.</param>
public sealed partial class SqliteCheckpointOnStop(string? connectionString, ILogger<SqliteCheckpointOnStop> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (connectionString is not null) Checkpoint();
        return Task.CompletedTask;
    }

    private void Checkpoint()
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
            // A clean stop once left the whole log behind on a loaded test machine (the cause unseen; the test now prints
            // these messages). A pooled connection's reader, or a checkpoint another connection began on its last commit,
            // would keep it busy: tried again, idle pooled connections closed between tries, for a few seconds at most
            // (a container's stop allows about ten).
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
                if (deadline.Elapsed > GiveUpAfter)
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
