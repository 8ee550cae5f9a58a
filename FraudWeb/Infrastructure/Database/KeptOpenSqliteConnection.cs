using System.Data;
using System.Data.Common;
using System.Runtime.InteropServices;
using FraudWeb.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;
// EF Core's SQLite connection class is in its provider's Internal namespace; docs/decisions/0017 says why we derive from it.
#pragma warning disable EF1001
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// EF Core's SQLite connection, kept open while its pooled context waits for the next request. Each open of a pooled
/// Microsoft.Data.Sqlite connection registers EF Core's SQL functions and runs <c>PRAGMA foreign_keys</c> again, and
/// each close removes the functions: 4-6% of a request's CPU under load (perf, issue 17; docs/decisions/0017). The
/// connection is really closed when its context is disposed, and when a transaction begun in SQL was left open (rolled
/// back first).
/// </summary>
public sealed class KeptOpenSqliteConnection(RelationalConnectionDependencies dependencies, IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger) : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    /// <summary>Pooled contexts built with these options keep their connections open between uses.</summary>
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder options) =>
        (options ?? throw new ArgumentNullException(nameof(options))).ReplaceService<ISqliteRelationalConnection, KeptOpenSqliteConnection>();

    /// <summary>
    /// WAL frames after which a committing connection copies the log back into the database (SQLite's default is
    /// 1,000). The payment writer dirties about four scattered pages per payment, so at 1,000 it checkpointed every
    /// 250 payments, rewriting the same hot index pages each time and reading them back from the log: 10,000 (about
    /// 40 MB of log) gave 6-17% more payments per second on held apps (bench/README.md, issue 17). Every connection
    /// uses the same value, so no other request's commit finds the log "too long" and copies it back in its stead.
    /// </summary>
    public const int WalAutoCheckpointFrames = 10_000;

    protected override void OpenDbConnection(bool errorsExpected)
    {
        base.OpenDbConnection(errorsExpected);
        ApplyConnectionSettings(DbConnection);
    }

    protected override async Task OpenDbConnectionAsync(bool errorsExpected, CancellationToken cancellationToken)
    {
        await base.OpenDbConnectionAsync(errorsExpected, cancellationToken);
        ApplyConnectionSettings(DbConnection);
    }

    /// <summary>
    /// Deleted and overwritten content is zeroed on its page where that costs no extra write (secure_delete=FAST): an
    /// erased person's details stayed readable in the file's free space, and in any copy of it (privacy test;
    /// docs/decisions/0004). Pages freed whole are zeroed only by the erasure, which turns it fully on for its own
    /// transaction (<c>AdminUserService</c>): everywhere, the idempotency janitor's purges would write every page
    /// they free (review).
    /// </summary>
    private static void ApplyConnectionSettings(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle }) return;
        var rc = raw.sqlite3_exec(handle, FormattableString.Invariant($"PRAGMA wal_autocheckpoint={WalAutoCheckpointFrames}; PRAGMA secure_delete=FAST;"));
        SqliteException.ThrowExceptionForRC(rc, handle);
    }

    protected override void CloseDbConnection()
    {
        if (CanStayOpen(DbConnection)) return;
        EndTransaction(DbConnection);
        base.CloseDbConnection();
    }

    protected override Task CloseDbConnectionAsync()
    {
        if (CanStayOpen(DbConnection)) return Task.CompletedTask;
        EndTransaction(DbConnection);
        return base.CloseDbConnectionAsync();
    }

    /// <summary>
    /// Open, and no transaction on any schema: none begun and not ended, and no read snapshot held by a statement left
    /// unfinished (autocommit mode alone does not say that), so nothing goes on to the next use.
    /// </summary>
    internal static bool CanStayOpen(DbConnection connection) =>
        connection is SqliteConnection { State: ConnectionState.Open, Handle: { } handle } && raw.sqlite3_get_autocommit(handle) != 0
        && NativeSqlite.NoTransaction(handle);

    /// <summary>
    /// Rolls back a transaction begun in SQL and never ended (EF Core ends its own before closing): closing a pooled
    /// connection keeps its handle, and the transaction with it, for the next user of the pool.
    /// </summary>
    private static void EndTransaction(DbConnection connection)
    {
        if (connection is SqliteConnection { State: ConnectionState.Open, Handle: { } handle } && raw.sqlite3_get_autocommit(handle) == 0)
            raw.sqlite3_exec(handle, "ROLLBACK");
    }
}

/// <summary>
/// <c>sqlite3_txn_state</c>, which SQLitePCLRaw 3.0.3 does not wrap, called in the same e_sqlite3 library SQLitePCLRaw
/// loads (its provider imports the library by this name too).
/// </summary>
internal static class NativeSqlite
{
    private const int TransactionNone = 0;

    /// <summary>No read or write transaction open on any of the connection's schemas.</summary>
    public static bool NoTransaction(sqlite3 handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return TransactionState(handle.DangerousGetHandle(), 0) == TransactionNone;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    // DllImport rather than LibraryImport, which would need unsafe code allowed in the whole project; the signature is
    // blittable, so no marshalling code is generated either way.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_txn_state", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int TransactionState(nint db, nint schema);
}
