using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// Which exceptions mean "the database cannot answer now" (down, restarting, out of disk or connections, locked or
/// too slow) rather than a bug: those become a 503 with Retry-After instead of a 500. EF Core wraps them
/// (DbUpdateException, the execution strategy's InvalidOperationException), so the whole chain is searched.
/// </summary>
public static class DatabaseFaults
{
    /// <summary>What a 503 for a database fault tells the client to wait, in seconds (Retry-After).</summary>
    public const string RetryAfterSeconds = "5";

    // SQLite's primary result codes (the low byte of an extended code).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCannotOpen = 14;

    // Wrapped exceptions are a few levels deep; the bound only guards against a cycle.
    private const int MaxDepth = 16;

    /// <summary>True when the exception, or one it wraps, says the database is unavailable, out of resources or too slow.</summary>
    public static bool IsUnavailable(Exception? exception) => Any(exception, IsUnavailableItself);

    /// <summary>
    /// True when a PostgreSQL connection broke or could not be made (network error, server shut down or restarting):
    /// every pooled connection is then probably dead too, so the pools should be cleared, and a request that only
    /// reads may safely be run again on a new connection.
    /// </summary>
    public static bool IsBrokenConnection(Exception? exception) => Any(exception, IsBrokenItself);

    /// <summary>
    /// True when PostgreSQL gave the transaction up so another could go on (40P01 deadlock, 40001 serialization failure):
    /// nothing of it was kept, and the same work done again normally succeeds. A kind of <see cref="IsUnavailable"/>.
    /// </summary>
    public static bool IsTransientConflict(Exception? exception) =>
        Any(exception, e => e is PostgresException { SqlState: "40P01" or "40001" });

    private static bool Any(Exception? exception, Func<Exception, bool> test)
    {
        var pending = new Stack<(Exception Exception, int Depth)>();
        if (exception is not null) pending.Push((exception, 0));
        while (pending.TryPop(out var item))
        {
            var (current, depth) = item;
            // A cancelled request (the client went away) is not the database's fault, whatever it interrupted.
            if (current is OperationCanceledException) continue;
            if (test(current)) return true;
            if (depth >= MaxDepth) continue;
            if (current is AggregateException aggregate)
            {
                foreach (var each in aggregate.InnerExceptions) pending.Push((each, depth + 1));
            }
            else if (current.InnerException is { } wrapped)
            {
                pending.Push((wrapped, depth + 1));
            }
        }
        return false;
    }

    private static bool IsUnavailableItself(Exception exception) => exception switch
    {
        PostgresException postgres => IsUnavailableState(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull or SqliteCannotOpen,
        // A regular expression's time limit is no sign of the database.
        TimeoutException and not RegexMatchTimeoutException => true,
        _ => false,
    };

    private static bool IsBrokenItself(Exception exception) => exception switch
    {
        PostgresException postgres => IsConnectionState(postgres.SqlState),
        // Not a timeout: that connection was slow, not dead, and a retry would only wait again.
        NpgsqlException npgsql => npgsql.InnerException is SocketException or IOException,
        _ => false,
    };

    /// <summary>Connection exceptions (class 08) and the server shutting down, crashed or starting (57P01-57P03).</summary>
    private static bool IsConnectionState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03";

    /// <summary>
    /// The connection states, insufficient resources (class 53: disk full, out of memory, too many connections),
    /// statement timeout (57014) and a database that refuses writes (25006: a standby reached after a failover, or
    /// default_transaction_read_only set for maintenance), which the operator, not the request, must resolve; and a
    /// transaction the server gave up so another could go on (40P01 deadlock, 40001 serialization failure), which the
    /// same request sent again completes. Neither is the request's fault nor a bug: a 503 with Retry-After, not a 500.
    /// </summary>
    private static bool IsUnavailableState(string state) =>
        IsConnectionState(state) || state.StartsWith("53", StringComparison.Ordinal) || state is "57014" or "25006" or "40P01" or "40001";
}
