using FraudWeb.Data;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using LinqKit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
        services.AddSingleton<SecurityStampCache>();
        services.AddSingleton<SecurityStampChangeInterceptor>();
        services.AddSingleton<SecurityStampTransactionInterceptor>();
        // Options built once (they depend on settings only), not for every request's context.
        services.AddDbContext<FraudDbContext>((sp, options) =>
        {
            Configure(options, sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, sp.GetRequiredService<FraudWebPaths>());
            options.AddInterceptors(sp.GetRequiredService<SecurityStampChangeInterceptor>(), sp.GetRequiredService<SecurityStampTransactionInterceptor>());
        }, ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        return services;
    }

    /// <summary>Provider switch (Database:Provider); shared with tests and the command-line verbs.</summary>
    public static void Configure(DbContextOptionsBuilder options, DatabaseOptions database, FraudWebPaths paths)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(paths);
        switch (database.Provider.Trim().ToUpperInvariant())
        {
            case "SQLITE":
                options.UseSqlite(SqliteConnectionString(database, paths));
                break;
            case "POSTGRES" or "POSTGRESQL" or "NPGSQL":
                throw new ConfigurationException("Database:Provider 'Postgres' is planned but not built in yet; set Database:Provider to 'Sqlite'.");
            default:
                throw new ConfigurationException($"Database:Provider '{database.Provider}' is not supported; set it to 'Sqlite'.");
        }
        // Queries may call shared rules (PaymentStatusRule.Expression.Invoke(t)); LinqKit inlines them for EF.
        options.WithExpressionExpanding();
    }

    public static string SqliteConnectionString(DatabaseOptions database, FraudWebPaths paths)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(paths);
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(database.ConnectionString) ? "" : database.ConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource)) builder.DataSource = paths.DatabaseFile;
        // Microsoft.Data.Sqlite retries a busy (locked) database for up to this many seconds: the busy timeout.
        builder.DefaultTimeout = database.BusyTimeoutSeconds;
        builder.ForeignKeys = true;
        return builder.ToString();
    }
}
