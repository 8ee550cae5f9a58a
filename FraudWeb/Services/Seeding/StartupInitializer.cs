using System.Diagnostics;
using System.Security.Claims;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Models;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Seeding;

/// <summary>
/// Runs before the server accepts requests: checks required secrets, applies migrations (SQLite in WAL mode),
/// creates the roles, seeds an empty database, trains the first model if none exists and loads the serving model.
/// </summary>
public sealed partial class StartupInitializer(IServiceProvider services, ILogger<StartupInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        _ = provider.GetRequiredService<CardKeyProvider>();
        // Instances started together on one PostgreSQL take turns through the whole start (migrations, roles, the first
        // history, the first model): EF Core locks each migration, not the run, and the seeder and the first training
        // check before they write, so two at once crashed one on a table the other had made, or seeded twice.
        var database = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        await WaitForDatabaseAsync(database, logger, cancellationToken);
        await using var turn = await StartTurnAsync(database, cancellationToken);
        await MigrateAsync(provider, cancellationToken);
        foreach (var (path, mode) in provider.GetRequiredService<FraudWebPaths>().OpenToOthers())
            LogOpenToOthers(logger, path, Convert.ToString((int)mode, 8));

        var seed = provider.GetRequiredService<IOptions<SeedOptions>>().Value;
        if (seed.Enabled) await provider.GetRequiredService<HistorySeeder>().SeedIfEmptyAsync(cancellationToken);

        var registry = provider.GetRequiredService<ModelRegistry>();
        var loaded = await registry.HasServingVersionAsync(cancellationToken) && await registry.LoadServingAsync(cancellationToken);
        if (!loaded && seed.TrainModel)
        {
            // No model yet, or neither the serving version nor an earlier one can serve (missing, corrupt, an older
            // feature schema; the registry marks why): train a fresh one from the history, or, while the history
            // cannot train one (no demo data: Seed:Enabled=false, or merchants imported before a first start, which
            // the seeder then leaves alone), a starter model from a simulation.
            await TrainOrStarterAsync(registry, logger, cancellationToken);
        }
        LogReady(logger, stopwatch.Elapsed.TotalSeconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task TrainOrStarterAsync(ModelRegistry registry, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await registry.TrainAndServeAsync(cancellationToken);
            return;
        }
        catch (Domain.Retraining.RetrainingException notEnough)
        {
            // No payments yet, or too few confirmed frauds: the same refusal a retraining would give.
            LogStarterModel(logger, notEnough.Message);
        }
        await registry.TrainStarterAndServeAsync(cancellationToken);
    }

    /// <summary>
    /// PostgreSQL: waits up to <see cref="DatabaseOptions.StartupWaitSeconds"/> for the server to accept connections. A
    /// container started beside its database (or after a host's reboot) would otherwise exit at once and lean on its
    /// restart policy. Only "not there yet" waits (refused, unknown host, starting up, out of connections); a wrong
    /// password or database name is a setting to fix and fails at once.
    /// </summary>
    private static async Task WaitForDatabaseAsync(DatabaseOptions database, ILogger logger, CancellationToken cancellationToken)
    {
        if (DataServiceCollectionExtensions.ProviderOf(database) != DatabaseProvider.Postgres) return;
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PostgresConnectionString(database)) { Pooling = false }.ConnectionString;
        var waited = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                await using var connection = new Npgsql.NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException && Infrastructure.Database.DatabaseFaults.IsUnavailable(ex)
                && waited.Elapsed + pause < TimeSpan.FromSeconds(database.StartupWaitSeconds))
            {
                LogWaitingForDatabase(logger, ex.Message, pause.TotalSeconds, database.StartupWaitSeconds);
            }
            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    /// <summary>How often an instance waiting for its start asks for the lock again.</summary>
    private static readonly TimeSpan StartTurnPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>An arbitrary constant: the advisory lock's key, the same in every instance.</summary>
    private const long StartLockKey = 0x46_72_61_75_64_57_65_62; // "FraudWeb"

    /// <summary>On PostgreSQL a session's advisory lock, held on its own connection until disposed; nothing on SQLite (one instance).</summary>
    private static async Task<IAsyncDisposable?> StartTurnAsync(DatabaseOptions database, CancellationToken cancellationToken)
    {
        if (DataServiceCollectionExtensions.ProviderOf(database) != DatabaseProvider.Postgres) return null;
        var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PostgresConnectionString(database))
        {
            Pooling = false,
            KeepAlive = 30,
        }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new Npgsql.NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", StartLockKey);
            // Asked again and again rather than waited for in one statement: a waiting statement holds a snapshot, which
            // the migrating instance's CREATE INDEX CONCURRENTLY waits for while this one waits for its lock (a deadlock
            // PostgreSQL ends by failing the migration; docs/decisions/0029). No time-out: the instance before this one
            // may be training the first model for minutes.
            while (await command.ExecuteScalarAsync(cancellationToken) is not true) await Task.Delay(StartTurnPoll, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Migrations and roles only; also used by the create-admin command.</summary>
    public static async Task MigrateAsync(IServiceProvider provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var db = provider.GetRequiredService<FraudDbContext>();
        if (db.Database.IsSqlite())
        {
            var sqlite = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString());
            if (sqlite.Mode != Microsoft.Data.Sqlite.SqliteOpenMode.Memory && sqlite.DataSource is { Length: > 0 } file && file != ":memory:"
                && !file.StartsWith("file:", StringComparison.Ordinal))
                FraudWebPaths.CreatePrivateFile(file);
            // WAL lets readers proceed while a payment is being written; the setting is stored in the file.
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        // A database a newer release has upgraded: this release does not know its schema, and writing to it would lose
        // or corrupt what that release keeps (operator test: an older build ran on an upgraded database and stored
        // reports the newer one then read wrongly). Refused in one line before anything is written.
        // Only a migration after this release's newest counts (an unknown older one is a renamed migration of a
        // development build). On PostgreSQL a rolling deploy runs old and new instances on one database for a while
        // (their migrations add, never remove: docs/decisions/0029), so there it is a warning, not a refusal.
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var newest = known.Max(StringComparer.Ordinal) ?? "";
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        if (applied.LastOrDefault(m => !known.Contains(m) && string.CompareOrdinal(m, newest) > 0) is { } newer)
        {
            if (db.Database.IsSqlite())
            {
                throw new ConfigurationException($"This database was upgraded by a newer release of FraudWeb (its migration {newer} is unknown to this one): " +
                    "run that release or a later one, or restore the backup taken before the upgrade.");
            }
            LogNewerRelease(provider.GetRequiredService<ILogger<StartupInitializer>>(), newer);
        }
        var pending = known.Count(m => !applied.Contains(m, StringComparer.Ordinal));
        await db.Database.MigrateAsync(cancellationToken);
        // Said once, so an operator's log shows that an upgrade happened and how far it went.
        if (pending > 0 && applied.Count > 0)
        {
            var startLogger = provider.GetRequiredService<ILogger<StartupInitializer>>();
            LogUpgraded(startLogger, pending, applied[^1], newest);
        }
        await CardKeyCheck.VerifyAsync(db, provider.GetRequiredService<CardKeyProvider>(), cancellationToken);
        await ImportLegacyDataProtectionKeysAsync(db, provider.GetRequiredService<FraudWebPaths>(), cancellationToken);
        await provider.GetRequiredService<SecondFactorSecrets>().ProtectStoredAsync(db, cancellationToken);
        await StoredFreeTextMasking.MaskStoredAsync(db, cancellationToken);

        var roles = provider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                var created = new IdentityRole(role);
                var result = await roles.CreateAsync(created);
                if (!result.Succeeded) throw new InvalidOperationException($"Could not create role {role}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
                // Default grants only when the role is new: administrators' later changes are kept.
                foreach (var permission in Permissions.DefaultGrants[role])
                {
                    result = await roles.AddClaimAsync(created, new Claim(Permissions.ClaimType, permission));
                    if (!result.Succeeded) throw new InvalidOperationException($"Could not grant {permission} to {role}.");
                }
            }
        }
    }

    /// <summary>
    /// Installations from before kept the data-protection key ring in the data directory; its keys move into the
    /// database once (when it has none), so nobody is signed out by the upgrade.
    /// </summary>
    private static async Task ImportLegacyDataProtectionKeysAsync(FraudDbContext db, FraudWebPaths paths, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(paths.KeysDirectory, "data-protection");
        if (!Directory.Exists(folder) || await db.DataProtectionKeys.AnyAsync(cancellationToken)) return;
        foreach (var file in Directory.EnumerateFiles(folder, "*.xml").Order(StringComparer.Ordinal))
        {
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = Path.GetFileNameWithoutExtension(file), Xml = await File.ReadAllTextAsync(file, cancellationToken) });
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database has migrations of a newer release (up to {Migration}): finish the rolling deploy, as this instance's release is older than the database's")]
    private static partial void LogNewerRelease(ILogger logger, string migration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database upgraded: {Count} migrations applied, from {From} to {To}")]
    private static partial void LogUpgraded(ILogger logger, int count, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database does not answer yet ({Reason}); trying again in {Seconds:F1} s (Database:StartupWaitSeconds is {Limit})")]
    private static partial void LogWaitingForDatabase(ILogger logger, string reason, double seconds, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} is open to other users (mode {Mode}): the database, personal data and keys are the app's user's alone; chmod go-rwx it")]
    private static partial void LogOpenToOthers(ILogger logger, string path, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No model can be trained on this installation's own payments yet ({Reason}); a starter model learnt from simulated payments serves until a retraining on labelled payments replaces it")]
    private static partial void LogStarterModel(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "FraudWeb data ready in {Seconds:F1} s")]
    private static partial void LogReady(ILogger logger, double seconds);
}
