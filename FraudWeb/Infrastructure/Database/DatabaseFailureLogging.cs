using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// One log entry for a failed SQL command, and none for a database that cannot answer: that is the request's to log,
/// once, as a warning (DatabaseRetryMiddleware), or the background service's. EF Core's own failure events (command,
/// connection, transaction, query, save) are turned down to Debug in <see cref="Configure"/>: in a PostgreSQL outage they were
/// about 35 errors with stack traces a second per instance. Any other failure (a defect, a constraint) is still an
/// error here, with the statement's text (parameters as placeholders, never their values).
/// </summary>
public sealed partial class DatabaseFailureLogging(ILogger<DatabaseFailureLogging> logger) : DbCommandInterceptor
{
    public static void Configure(DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConfigureWarnings(warnings => warnings.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            // "An error occurred using a transaction." with no exception: a disk full or a server killed (resilience test).
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            // The capped counts ("more than 1,000": the queue's and the audit log's Take(cap + 1).Count()) have no order
            // because none is needed; logged as warnings, they read to operators as pages in an unpredictable order
            // (exploratory test). Pages are keyset-ordered (ReviewQueuePagingTests, AdminListPagingTests).
            (CoreEventId.RowLimitingOperationWithoutOrderByWarning, LogLevel.Debug),
            // "…cannot be executed in a transaction… Create a separate migration": advice to the migrations' author,
            // warned at every upgrade (CREATE INDEX CONCURRENTLY, SQLite's foreign_keys pragma). Those steps are written
            // to be run again safely (docs/decisions/0029); the operator test read the warning as a fault.
            (RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Debug)));
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(eventData);
        Log(command, eventData.Exception);
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(eventData);
        Log(command, eventData.Exception);
        return Task.CompletedTask;
    }

    private void Log(DbCommand command, Exception exception)
    {
        if (IsLogged(command, exception)) LogFailed(logger, exception, command.CommandText);
    }

    /// <summary>Whether a failed command is an error of its own to log (not an outage, a cancellation or the first migration's probe).</summary>
    internal static bool IsLogged(DbCommand command, Exception exception) =>
        !(DatabaseFaults.IsUnavailable(exception) || exception is OperationCanceledException || IsFirstMigrationProbe(command, exception));

    /// <summary>
    /// EF Core's migrator reads its history table to learn what is applied, and on a new PostgreSQL database that table
    /// is not there yet (42P01): expected, handled by the migrator, not an error to alert on at every installation.
    /// </summary>
    private static bool IsFirstMigrationProbe(DbCommand command, Exception exception) =>
        exception is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UndefinedTable }
        && command.CommandText.Contains("\"__EFMigrationsHistory\"", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Error, Message = "A database command failed: {CommandText}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string commandText);
}
