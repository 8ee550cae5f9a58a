using System.Data;
using System.Data.Common;
using FraudWeb.Infrastructure.Database;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FraudWeb.Data;

/// <summary>
/// A read-only transaction in which every query of a context sees the database as it was at the first one, so a
/// document read in many queries (the data download) is one moment's state even while payments are written.
/// SQLite: a deferred transaction, which takes no lock (EF Core's own begins IMMEDIATE, which would hold the single
/// writer's lock for the whole read) and, in WAL mode, reads one snapshot from its first statement. PostgreSQL: REPEATABLE
/// READ, which is snapshot isolation there.
/// </summary>
public sealed class ReadSnapshot : IAsyncDisposable
{
    private readonly DbContext _db;
    private readonly DbTransaction? _sqlite;

    private ReadSnapshot(DbContext db, DbTransaction? sqlite) => (_db, _sqlite) = (db, sqlite);

    public static async Task<ReadSnapshot> BeginAsync(DbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.OnSqlite())
        {
            await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            return new ReadSnapshot(db, null);
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
            await db.Database.UseTransactionAsync(transaction, cancellationToken);
            return new ReadSnapshot(db, transaction);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    /// <summary>Ends the transaction (it wrote nothing: rolled back) and gives the connection back.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_sqlite is null)
        {
            if (_db.Database.CurrentTransaction is { } transaction) await transaction.DisposeAsync();
            return;
        }
        await _db.Database.UseTransactionAsync(null);
        await _sqlite.DisposeAsync();
        await _db.Database.CloseConnectionAsync();
    }
}
