using System.Data.Common;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Scoring;
using FraudWeb.Services.Transactions;
using LinqKit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FraudWeb.Infrastructure;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Data directory, card key and the DbContext on the configured provider. Settings are read when first needed,
    /// from the final configuration (so test hosts can override them).
    /// </summary>
    public static IServiceCollection AddFraudData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => FraudWebPaths.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<CardKeyProvider>();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ClusterInvalidation>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterInvalidation>());
        services.AddHostedService(sp =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return new SqliteCheckpointOnStop(ProviderOf(database) == DatabaseProvider.Sqlite ? SqliteConnectionString(database, sp.GetRequiredService<FraudWebPaths>()) : null,
                sp.GetRequiredService<ILogger<SqliteCheckpointOnStop>>());
        });
        services.AddSingleton<SecurityStampCache>();
        services.AddSingleton<DatabaseFailureLogging>();
        services.AddSingleton<SecurityStampChangeInterceptor>();
        services.AddSingleton<AuditTraceInterceptor>();
        services.AddSingleton<SecurityStampTransactionInterceptor>();
        services.AddSingleton<FeatureHistory>();
        services.AddSingleton<CardMemory>();
        services.AddSingleton<MemoryInvalidationInterceptor>();
        // SQLite's hot reads on connections that keep their compiled statements (docs/decisions/0015); on PostgreSQL
        // it keeps none and runs hand-written reads on the request's connection.
        services.AddSingleton(sp =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return new SqlitePreparedReads(ProviderOf(database) == DatabaseProvider.Sqlite ? SqliteConnectionString(database, sp.GetRequiredService<FraudWebPaths>()) : null,
                maxLanes: 2 * Environment.ProcessorCount + 2);
        });
        // One context type per provider (each with its own migrations); services ask for FraudDbContext and get the
        // configured one. Contexts are pooled: options are built once, and a request reuses a context whose internal
        // services are already resolved (resolving them was 6-7% of a page's time under load).
        services.AddDbContextPool<SqliteFraudDbContext>((sp, options) => ConfigureFromServices(sp, options, DatabaseProvider.Sqlite));
        services.AddDbContextPool<PostgresFraudDbContext>((sp, options) => ConfigureFromServices(sp, options, DatabaseProvider.Postgres));
        services.AddScoped<FraudDbContext>(sp => ProviderOf(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value) == DatabaseProvider.Postgres
            ? sp.GetRequiredService<PostgresFraudDbContext>()
            : sp.GetRequiredService<SqliteFraudDbContext>());
        services.AddSingleton(sp => new PaymentWriterDatabase(ProviderOf(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value) == DatabaseProvider.Postgres
            ? WriterOptions(sp)
            : null));
        return services;
    }

    /// <summary>Connections the payment writer's own pool opens at most (one batch at a time, and its look-ups after a failure).</summary>
    public const int WriterPoolSize = 2;

    /// <summary>
    /// The payment writer's context options on PostgreSQL: the app's, on a pool of its own (another Application Name is
    /// another Npgsql pool), so its commit never queues behind requests' reads for a connection. Requests waiting for the
    /// commit hold none (HeldWriterTests), but a burst can rent the whole pool for its reads, and while their continuations
    /// were late (a starved thread pool, CI 2026-12-04) a writer waiting in that pool timed out after 15 s and every
    /// payment of its batch answered 503.
    /// </summary>
    private static DbContextOptions<PostgresFraudDbContext> WriterOptions(IServiceProvider sp)
    {
        var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString(database));
        builder.ApplicationName = (string.IsNullOrEmpty(builder.ApplicationName) ? "fraudweb" : builder.ApplicationName) + "-writer";
        builder.MaxPoolSize = WriterPoolSize;
        builder.MinPoolSize = 0;
        var writer = new DatabaseOptions
        {
            Provider = database.Provider,
            ConnectionString = builder.ConnectionString,
            BusyTimeoutSeconds = database.BusyTimeoutSeconds,
            CommandTimeoutSeconds = database.CommandTimeoutSeconds,
            StartupWaitSeconds = database.StartupWaitSeconds,
        };
        // The app's logging, as the pooled contexts have it from the container.
        var options = new DbContextOptionsBuilder<PostgresFraudDbContext>().UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
        ConfigureFromServices(sp, options, DatabaseProvider.Postgres, writer);
        return options.Options;
    }

    /// <param name="database">The settings to use (the payment writer's own pool); the app's when null.</param>
    private static void ConfigureFromServices(IServiceProvider sp, DbContextOptionsBuilder options, DatabaseProvider expected, DatabaseOptions? database = null)
    {
        database ??= sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (ProviderOf(database) != expected) throw new InvalidOperationException($"The {expected} context was asked for while Database:Provider is {database.Provider}.");
        Configure(options, database, sp.GetRequiredService<FraudWebPaths>());
        DatabaseFailureLogging.Configure(options);
        options.AddInterceptors(sp.GetRequiredService<DatabaseFailureLogging>(), sp.GetRequiredService<SecurityStampChangeInterceptor>(),
            sp.GetRequiredService<SecurityStampTransactionInterceptor>(), sp.GetRequiredService<AuditTraceInterceptor>());
        // Any other registered as IInterceptor (none in the app; the tests inject races and faults through it).
        options.AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>());
        if (expected == DatabaseProvider.Sqlite)
        {
            // SQLite's payment path reads from memory (FeatureHistory, CardMemory): every committed change forgets what it touched.
            options.AddInterceptors(sp.GetRequiredService<SqlitePreparedReads>(), sp.GetRequiredService<MemoryInvalidationInterceptor>());
            KeptOpenSqliteConnection.Use(options);
        }
    }

    /// <summary>Database:Provider, or a <see cref="ConfigurationException"/> naming the accepted values.</summary>
    public static DatabaseProvider ProviderOf(DatabaseOptions database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Provider.Trim().ToUpperInvariant() switch
        {
            "SQLITE" => DatabaseProvider.Sqlite,
            "POSTGRES" or "POSTGRESQL" or "NPGSQL" => DatabaseProvider.Postgres,
            _ => throw new ConfigurationException($"Database:Provider '{database.Provider}' is not supported; set it to 'Sqlite' or 'Postgres'."),
        };
    }

    /// <summary>Provider switch (Database:Provider); shared with tests and the command-line verbs.</summary>
    public static void Configure(DbContextOptionsBuilder options, DatabaseOptions database, FraudWebPaths paths)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(paths);
        switch (ProviderOf(database))
        {
            case DatabaseProvider.Sqlite:
                // No command timeout here: SQLite has no statement timeout, and Microsoft.Data.Sqlite's command timeout
                // is its busy wait, which the connection string already bounds (BusyTimeoutSeconds).
                options.UseSqlite(SqliteConnectionString(database, paths)).AddInterceptors(SqliteFunctions.Instance);
                break;
            case DatabaseProvider.Postgres:
                // A statement (a lock wait included) is cancelled after this long: the request answers 503, not never.
                options.UseNpgsql(PostgresConnectionString(database), npgsql => npgsql.CommandTimeout(database.CommandTimeoutSeconds));
                ConcurrentIndexSqlGenerator.Use(options);
                break;
        }
        // Queries may call shared rules (PaymentStatusRule.Expression.Invoke(t)); LinqKit inlines them for EF.
        options.WithExpressionExpanding();
    }

    public static string PostgresConnectionString(DatabaseOptions database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (string.IsNullOrWhiteSpace(database.ConnectionString))
            throw new ConfigurationException("Database:ConnectionString is not set; PostgreSQL needs one, e.g. Database__ConnectionString=\"Host=db;Database=fraudweb;Username=fraudweb;Password=...\"");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
            // Npgsql prepares a statement on the server after a few uses when asked to (off by default): EF Core's SQL
            // is parameterised and repeats, and PostgreSQL parsed and planned it again on every command (payments per
            // second doubled with it: issue 17, bench/README.md). An operator's own value wins. (A pooler must keep
            // sessions, README: LISTEN and the start's advisory lock belong to one.)
            if (!Names(database.ConnectionString, "maxautoprepare")) builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            // A pooled connection is reset (seven utility statements on the server) before each reuse, and a page
            // opens one per query: 0.13-0.17 ms of server time each. The app leaves no session state to reset: no SET,
            // no temporary tables, advisory locks only transaction-scoped, LISTEN on its own unpooled connection; an
            // open transaction is still rolled back on close.
            if (!Names(database.ConnectionString, "noresetonclose")) builder.NoResetOnClose = true;
            // Npgsql opens up to 100 connections; under 64 concurrent payments each instance opened about 70 server
            // processes, each cold (catalogs, plans, trigger functions) and all contending for the server's cores. 16
            // waiting their turn served more (payments 1,100 against 780 per second, profile 1,070 against 430 on 2
            // cores) with a third of the p99 on a cold start, and keep two or three instances inside the server's
            // default max_connections of 100 (bench/README.md). Nothing in the app holds a pooled connection while it
            // waits for another (payments give theirs back before the writer: HeldWriterTests; cache invalidations go out
            // on their own connection), so requests queue for a connection and never wait on each other through the pool.
            if (!Names(database.ConnectionString, "maxpoolsize") && !Names(database.ConnectionString, "maximumpoolsize")) builder.MaxPoolSize = DefaultMaxPoolSize;
            return builder.ConnectionString;
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"Database:ConnectionString is not a valid PostgreSQL connection string ({e.Message}).");
        }
    }

    /// <summary>Connections each instance's pool opens at most, unless the connection string says otherwise.</summary>
    public const int DefaultMaxPoolSize = 16;

    /// <summary>Statements each PostgreSQL connection keeps prepared, unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 128;

    /// <summary>Whether the connection string sets <paramref name="keyword"/> (lower case, no spaces: Npgsql's keywords ignore both).</summary>
    private static bool Names(string connectionString, string keyword) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), keyword, StringComparison.OrdinalIgnoreCase));

    public static string SqliteConnectionString(DatabaseOptions database, FraudWebPaths paths)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(paths);
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(database.ConnectionString) ? "" : database.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"Database:ConnectionString is not a valid SQLite connection string ({e.Message}).");
        }
        if (string.IsNullOrWhiteSpace(builder.DataSource)) builder.DataSource = paths.DatabaseFile;
        // A file in a folder that is not there fails at the first statement, with a message that names no setting.
        else if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource != ":memory:"
            && Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } folder && !Directory.Exists(folder))
        {
            throw new ConfigurationException($"Database:ConnectionString names a database file in {folder}, which does not exist; create the folder or give another path.");
        }
        // Microsoft.Data.Sqlite retries a busy (locked) database for up to this many seconds (the busy timeout), then
        // fails with SQLITE_BUSY, which the request answers as a 503 (DatabaseFaults).
        builder.DefaultTimeout = database.BusyTimeoutSeconds;
        builder.ForeignKeys = true;
        return builder.ToString();
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The payment writer's own context options on PostgreSQL (null on SQLite, where the writer keeps one connection).</summary>
public sealed record PaymentWriterDatabase(DbContextOptions<PostgresFraudDbContext>? Options);
