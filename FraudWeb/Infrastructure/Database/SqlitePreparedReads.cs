using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// Prepared statements for the hot reads on SQLite (docs/decisions/0015). Microsoft.Data.Sqlite compiles a command's
/// SQL again for every new command, and EF Core makes a new command for every query (dotnet/efcore#14044); a payment's
/// feature queries took longer to compile than to run (the card's edge rows: 189 µs to compile, 17 µs to run). A query
/// tagged <see cref="Tag"/> (<c>TagWith</c>) and run outside a transaction is therefore run on one of a few connections
/// this class keeps open, each keeping its compiled statements; EF Core reads the rows as usual. Outside a transaction
/// each statement sees the latest commit whichever connection runs it, so the answer is the same.
/// </summary>
public sealed class SqlitePreparedReads : DbCommandInterceptor, IDisposable
{
    /// <summary>The tag that asks for a prepared statement: <c>query.TagWith(SqlitePreparedReads.Tag)</c>.</summary>
    public const string Tag = "prepared";

    private const string Marker = "-- " + Tag;

    private readonly string? _connectionString;
    private readonly int _maxLanes;
    private readonly ConcurrentBag<Lane> _idle = [];
    private int _lanes;
    private long _executions;
    private long _compilations;
    private volatile bool _disposed;

    /// <summary>Tagged queries run on a lane so far.</summary>
    public long Executions => Interlocked.Read(ref _executions);

    /// <summary>Statements compiled so far: stays put while <see cref="Executions"/> grows.</summary>
    public long Compilations => Interlocked.Read(ref _compilations);

    /// <param name="connectionString">
    /// The app's SQLite connection string; null for another provider. An in-memory database is left alone (another
    /// connection would see another database).
    /// </param>
    /// <param name="maxLanes">Connections kept open at most; a query finding none free runs as usual.</param>
    public SqlitePreparedReads(string? connectionString, int maxLanes)
    {
        if (connectionString is null) return;
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var inMemory = builder.Mode == SqliteOpenMode.Memory || string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal) || builder.DataSource.Length == 0;
        _connectionString = inMemory ? null : connectionString;
        _maxLanes = maxLanes;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Wanted(command) && TryLease(out var lane) ? InterceptionResult<DbDataReader>.SuppressWithResult(lane.ExecuteReader(command, this)) : result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Wanted(command) && TryLease(out var lane)
            ? InterceptionResult<DbDataReader>.SuppressWithResult(await lane.ExecuteReaderAsync(command, this, cancellationToken))
            : result;
    }

    /// <summary>
    /// Runs a hand-written read (for the hottest reads, where EF Core's own work per query cost more than SQLite's):
    /// on SQLite outside a transaction, prepared on a kept connection; otherwise (PostgreSQL, inside a transaction, no
    /// kept connection free) as a plain command on the context's own connection. The SQL must suit both providers.
    /// </summary>
    public async Task<T> ReadAsync<T>(DbContext db, string sql, Action<DbCommand> bind, Func<DbDataReader, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(read);
        if (_connectionString is not null && !_disposed && db.Database.CurrentTransaction is null && db.OnSqlite() && TryLease(out var lane))
        {
            try
            {
                var command = lane.Command(sql, this);
                bind(command);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                return await read(reader, cancellationToken);
            }
            catch
            {
                lane.Broken = true;
                throw;
            }
            finally
            {
                Return(lane);
            }
        }
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await read(reader, cancellationToken);
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Adds a parameter for <see cref="ReadAsync"/>'s SQL (UTC times, ids and text bind alike on both providers).</summary>
    public static void Bind(DbCommand command, string name, object value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private bool Wanted(DbCommand command) =>
        _connectionString is not null && !_disposed && command.Transaction is null && command.CommandText.StartsWith(Marker, StringComparison.Ordinal);

    private bool TryLease(out Lane lane)
    {
        if (_idle.TryTake(out lane!)) return true;
        if (Interlocked.Increment(ref _lanes) <= _maxLanes)
        {
            try
            {
                lane = new Lane(_connectionString!);
                return true;
            }
            catch
            {
                Interlocked.Decrement(ref _lanes);
                throw;
            }
        }
        Interlocked.Decrement(ref _lanes);
        return false;
    }

    private void Return(Lane lane)
    {
        if (_disposed || lane.Broken)
        {
            lane.Dispose();
            Interlocked.Decrement(ref _lanes);
            return;
        }
        _idle.Add(lane);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var lane)) lane.Dispose();
    }

    /// <summary>An open connection and its compiled statements, used by one query at a time.</summary>
    private sealed class Lane : IDisposable
    {
        /// <summary>Enough for the tagged queries; a lane that would hold more is closed and made again.</summary>
        private const int MaxStatements = 64;

        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public Lane(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
        }

        /// <summary>Failed once: closed rather than trusted again (a busy or broken database).</summary>
        public bool Broken { get; set; }

        public LeasedReader ExecuteReader(DbCommand original, SqlitePreparedReads owner)
        {
            var command = Prepared(original, owner);
            try
            {
                return new LeasedReader(command.ExecuteReader(), () => owner.Return(this));
            }
            catch
            {
                Broken = true;
                owner.Return(this);
                throw;
            }
        }

        public async Task<LeasedReader> ExecuteReaderAsync(DbCommand original, SqlitePreparedReads owner, CancellationToken cancellationToken)
        {
            var command = Prepared(original, owner);
            try
            {
                return new LeasedReader(await command.ExecuteReaderAsync(cancellationToken), () => owner.Return(this));
            }
            catch
            {
                Broken = true;
                owner.Return(this);
                throw;
            }
        }

        private SqliteCommand Prepared(DbCommand original, SqlitePreparedReads owner)
        {
            var command = Command(original.CommandText, owner);
            foreach (DbParameter parameter in original.Parameters)
            {
                var copy = new SqliteParameter(parameter.ParameterName, parameter.Value ?? DBNull.Value);
                if (parameter is SqliteParameter typed) copy.SqliteType = typed.SqliteType;
                command.Parameters.Add(copy);
            }
            return command;
        }

        /// <summary>The kept command for this SQL, compiled on its first run, with no values yet.</summary>
        public SqliteCommand Command(string sql, SqlitePreparedReads owner)
        {
            Interlocked.Increment(ref owner._executions);
            if (!_commands.TryGetValue(sql, out var command))
            {
                Interlocked.Increment(ref owner._compilations);
                if (_commands.Count >= MaxStatements) Broken = true;
                command = _connection.CreateCommand();
                command.CommandText = sql;
                _commands[sql] = command;
            }
            // Values only: the compiled statement stays (Microsoft.Data.Sqlite binds parameters at each execution).
            command.Parameters.Clear();
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values) command.Dispose();
            _connection.Dispose();
        }
    }

    /// <summary>The lane's reader, which gives the lane back when EF Core is done with it.</summary>
    private sealed class LeasedReader(SqliteDataReader inner, Action release) : DbDataReader
    {
        private Action? _release = release;

        private void Release() => Interlocked.Exchange(ref _release, null)?.Invoke();

        public override void Close()
        {
            inner.Close();
            Release();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                Release();
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            Release();
            await base.DisposeAsync();
        }

        public override object this[int ordinal] => inner[ordinal];
        public override object this[string name] => inner[name];
        public override int Depth => inner.Depth;
        public override int FieldCount => inner.FieldCount;
        public override bool HasRows => inner.HasRows;
        public override bool IsClosed => inner.IsClosed;
        public override int RecordsAffected => inner.RecordsAffected;
        public override bool GetBoolean(int ordinal) => inner.GetBoolean(ordinal);
        public override byte GetByte(int ordinal) => inner.GetByte(ordinal);
        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => inner.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);
        public override char GetChar(int ordinal) => inner.GetChar(ordinal);
        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => inner.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);
        public override string GetDataTypeName(int ordinal) => inner.GetDataTypeName(ordinal);
        public override DateTime GetDateTime(int ordinal) => inner.GetDateTime(ordinal);
        public override decimal GetDecimal(int ordinal) => inner.GetDecimal(ordinal);
        public override double GetDouble(int ordinal) => inner.GetDouble(ordinal);
        public override System.Collections.IEnumerator GetEnumerator() => inner.GetEnumerator();
        public override Type GetFieldType(int ordinal) => inner.GetFieldType(ordinal);
        public override T GetFieldValue<T>(int ordinal) => inner.GetFieldValue<T>(ordinal);
        public override float GetFloat(int ordinal) => inner.GetFloat(ordinal);
        public override Guid GetGuid(int ordinal) => inner.GetGuid(ordinal);
        public override short GetInt16(int ordinal) => inner.GetInt16(ordinal);
        public override int GetInt32(int ordinal) => inner.GetInt32(ordinal);
        public override long GetInt64(int ordinal) => inner.GetInt64(ordinal);
        public override string GetName(int ordinal) => inner.GetName(ordinal);
        public override int GetOrdinal(string name) => inner.GetOrdinal(name);
        public override Stream GetStream(int ordinal) => inner.GetStream(ordinal);
        public override string GetString(int ordinal) => inner.GetString(ordinal);
        public override TextReader GetTextReader(int ordinal) => inner.GetTextReader(ordinal);
        public override object GetValue(int ordinal) => inner.GetValue(ordinal);
        public override int GetValues(object[] values) => inner.GetValues(values);
        public override bool IsDBNull(int ordinal) => inner.IsDBNull(ordinal);
        public override bool NextResult() => inner.NextResult();
        public override bool Read() => inner.Read();
        public override DataTable? GetSchemaTable() => inner.GetSchemaTable();
    }
}
