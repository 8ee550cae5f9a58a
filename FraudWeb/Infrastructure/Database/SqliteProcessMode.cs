using SQLitePCL;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// SQLite's process-wide settings, set before its first connection opens (SQLite refuses <c>sqlite3_config</c> once it
/// is initialized). The bundled e_sqlite3 is built serialized, with memory statistics on: every call on a connection
/// took that connection's mutex, and every allocation a global one. Multi-thread mode drops the connections' mutexes,
/// which is safe because ADO.NET never uses one connection (or its statements) from two threads at once; memory
/// statistics off drops the allocation mutex. The payment writer's CPU per payment fell 6-9% (docs/decisions/0020).
/// </summary>
public static partial class SqliteProcessMode
{
    /// <summary>True once <see cref="Apply"/> has set both settings in this process.</summary>
    public static bool Applied { get; private set; }

    /// <summary>
    /// Sets multi-thread mode and turns memory statistics off. Returns false, changing nothing, when SQLite was already
    /// initialized in this process (it then stays serialized, which is correct, only slower).
    /// </summary>
    public static bool Apply()
    {
        if (Applied) return true;
        Batteries_V2.Init();
        if (raw.sqlite3_config(raw.SQLITE_CONFIG_MULTITHREAD) != raw.SQLITE_OK) return false;
        Applied = raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK;
        return Applied;
    }

    /// <summary>Logs the mode where SQLite is the database (a PostgreSQL instance logged SQLite's mode: operator test).</summary>
    public static void Report(IServiceProvider services, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        var database = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Options.DatabaseOptions>>().Value;
        if (DataServiceCollectionExtensions.ProviderOf(database) != DatabaseProvider.Sqlite) return;
        if (Applied) LogApplied(logger);
        else LogNotApplied(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite runs in multi-thread mode with memory statistics off")]
    private static partial void LogApplied(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite was initialized before its process settings; it runs serialized")]
    private static partial void LogNotApplied(ILogger logger);
}
