using FraudWeb.Infrastructure.Options;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// One web app at a time on an SQLite database: its payment path keeps cards, merchants, balances and feature windows in
/// memory and never sees another process's writes (ADR 0018), so a second web app on the same file (a start-first
/// rolling update, two containers on one volume) let cards overspend. Held as an exclusive lock on a file beside the
/// database for the process's life; the operating system lets it go however the process ends. The command-line verbs
/// (create-admin, import-merchants, train) do not take it: they may run beside the web app.
/// </summary>
public static class SqliteInstanceLock
{
    /// <summary>The held lock, or null on PostgreSQL, in-memory SQLite and with Database:InstanceLock false.</summary>
    /// <exception cref="ConfigurationException">Another web app holds the database.</exception>
    public static FileStream? Acquire(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (DataServiceCollectionExtensions.ProviderOf(database) != DatabaseProvider.Sqlite || !database.InstanceLock) return null;
        var source = new SqliteConnectionStringBuilder(DataServiceCollectionExtensions.SqliteConnectionString(database, services.GetRequiredService<FraudWebPaths>()));
        if (source.Mode == SqliteOpenMode.Memory || source.DataSource == ":memory:") return null;
        var path = Path.GetFullPath(source.DataSource) + "-instance.lock";
        try
        {
            // FileShare.None is an exclusive flock(2) on Linux and macOS, a share lock on Windows: refused while held.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new ConfigurationException(
                $"Another FraudWeb web app is running on the SQLite database {Path.GetFullPath(source.DataSource)} ({e.Message.TrimEnd('.')}). "
                + "One instance at a time may use an SQLite database: stop the other first, or use PostgreSQL (Database:Provider) for several instances.");
        }
    }
}
