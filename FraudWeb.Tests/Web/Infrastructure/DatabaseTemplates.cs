using System.Collections.Concurrent;
using System.Globalization;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Options;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// The database as a factory's first start leaves it (migrated, seeded, first model trained), kept once per test run for
/// each kind of factory and copied into the next factory of that kind before its host starts: the next start then only
/// checks what the first one did. Measured (2026-12-07): about 170 in-process starts per pass of the suite spent 3.4 CPU
/// minutes on SQLite (4.3 on PostgreSQL) migrating, seeding and training first models from the same settings.
/// <para>
/// A kind is the factory's type and its <see cref="FraudWebFactory.Settings"/> (a subclass's services are its type's).
/// A start copies nothing when the database already holds something (a restart, a test's own prepared database), when
/// the test moved the factory's clock before it, when a derived factory (<c>WithWebHostBuilder</c>) exists, whose extra configuration the kind cannot see, or when the
/// factory opts out (<see cref="FraudWebFactory.StartFromTemplate"/>: a test that watches a first start). The copy's clock
/// is moved to the template's time, so nothing it holds is in the copy's future. Data Protection keys are left out
/// (start-up makes none today; one it made would make every copy's key ring the same).
/// </para>
/// </summary>
internal static class DatabaseTemplates
{
    private static readonly ConcurrentDictionary<string, Kind> Kinds = new(StringComparer.Ordinal);

    /// <summary>PostgreSQL templates made, dropped when the run ends (also one whose making failed half-way).</summary>
    private static readonly ConcurrentBag<string> Made = [];
    private static readonly string SqliteDirectory = Path.Combine(Path.GetTempPath(), "fraudweb-tests", "templates-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

    /// <summary>FRAUDWEB_TEST_TEMPLATES=0: every start on its own, to rule templates out of a failure or to time them.</summary>
    private static readonly bool TurnedOff = Environment.GetEnvironmentVariable("FRAUDWEB_TEST_TEMPLATES") == "0";

    static DatabaseTemplates() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DropAll();

    private sealed class Kind
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        /// <summary>The template: a file (SQLite) or a database's name (PostgreSQL); null until the first start made one.</summary>
        public string? Template { get; set; }

        public bool IsPostgres { get; set; }

        /// <summary>The first start's clock when the template was taken.</summary>
        public DateTimeOffset TakenAt { get; set; }

        /// <summary>Taking one failed: this kind starts as before.</summary>
        public bool Failed { get; set; }
    }

    /// <summary>
    /// Before <paramref name="factory"/>'s host starts: copies the template into its empty database, or, when its kind has
    /// none yet, returns the turn in which this start makes one (<see cref="Take"/> from the start, then disposed); null
    /// when there is nothing to do.
    /// </summary>
    public static IDisposable? Prepare(FraudWebFactory factory)
    {
        // A clock a test moved before the start (to a month's end, say) would seed the kind's template in its own
        // future, and a copy of it would move the next factory's clock there too.
        if (!factory.StartFromTemplate || TurnedOff || factory.Factories.Count > 0 || factory.Clock.Advanced > TimeSpan.Zero || !IsEmpty(factory)) return null;
        var kind = Kinds.GetOrAdd(KindOf(factory), _ => new Kind());
        kind.Turn.Wait();
        if (kind.Failed)
        {
            kind.Turn.Release();
            return null;
        }
        if (kind.Template is null)
        {
            // This start makes the template; the kind's other factories wait for it (rather than each making their own).
            factory.TemplateInTheMaking = kind;
            // A start that fails (a test's bad setting or prepared file) leaves none: the kind's next start makes it.
            return new Release(() =>
            {
                factory.TemplateInTheMaking = null;
                kind.Turn.Release();
            });
        }
        try
        {
            Restore(factory, kind);
        }
        catch (Exception e) when (IsExpected(e))
        {
            // Only a saving: the factory starts on its own, on an empty database as before.
            factory.Logs.Add($"Information {nameof(DatabaseTemplates)}: the template could not be copied, this start seeds on its own: {e.Message}");
            Empty(factory);
        }
        finally
        {
            kind.Turn.Release();
        }
        return null;
    }

    /// <summary>Called once the app's own start-up (StartupInitializer) has finished, before its background services start.</summary>
    public static void Take(FraudWebFactory factory)
    {
        if (factory.TemplateInTheMaking is not Kind kind) return;
        try
        {
            TakeInto(factory, kind);
        }
        catch (Exception e) when (IsExpected(e))
        {
            // A template is only a saving: without one this kind's factories start as before.
            kind.Template = null;
            kind.Failed = true;
            factory.Logs.Add($"Information {nameof(DatabaseTemplates)}: no template taken, this kind's factories start on their own: {e.Message}");
        }
    }

    private static void TakeInto(FraudWebFactory factory, Kind kind)
    {
        if (IsPostgres(factory, out var connectionString))
        {
            // CREATE DATABASE ... TEMPLATE needs the source without connections: the app's idle pooled ones are closed.
            var appConnectionString = DataServiceCollectionExtensions.PostgresConnectionString(new DatabaseOptions { ConnectionString = connectionString });
            using (var pooled = new NpgsqlConnection(appConnectionString)) NpgsqlConnection.ClearPool(pooled);
            var template = "fraudweb_template_" + Guid.NewGuid().ToString("N");
            Execute(TestPostgres.Server, $"CREATE DATABASE \"{template}\" TEMPLATE \"{DatabaseName(connectionString)}\"");
            Made.Add(template);
            Execute(new NpgsqlConnectionStringBuilder(TestPostgres.Server) { Database = template, Pooling = false }.ConnectionString,
                "DELETE FROM \"DataProtectionKeys\"");
            kind.IsPostgres = true;
            kind.Template = template;
        }
        else
        {
            Directory.CreateDirectory(SqliteDirectory);
            var template = Path.Combine(SqliteDirectory, Guid.NewGuid().ToString("N") + ".db");
            FraudWebPaths.CreatePrivateFile(template);
            using (var source = new SqliteConnection($"Data Source={factory.DatabaseFile};Pooling=False"))
            using (var copy = new SqliteConnection($"Data Source={template};Pooling=False"))
            {
                source.Open();
                copy.Open();
                // The backup API: a consistent copy of a database in WAL mode, whatever is still in its log.
                source.BackupDatabase(copy);
                using var command = copy.CreateCommand();
                command.CommandText = "DELETE FROM DataProtectionKeys";
                command.ExecuteNonQuery();
            }
            kind.Template = template;
        }
        kind.TakenAt = factory.Clock.GetUtcNow();
    }

    private static void Restore(FraudWebFactory factory, Kind kind)
    {
        if (kind.IsPostgres)
        {
            IsPostgres(factory, out var connectionString);
            var name = DatabaseName(connectionString);
            Execute(TestPostgres.Server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            Execute(TestPostgres.Server, $"CREATE DATABASE \"{name}\" TEMPLATE \"{kind.Template}\"");
        }
        else
        {
            File.Copy(kind.Template!, factory.DatabaseFile);
            // The app's data files are its user's alone (it warns about one others can read); File.Copy gives the
            // template's mode, and the app makes a file private only when it creates it.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(factory.DatabaseFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var behind = kind.TakenAt - factory.Clock.GetUtcNow();
        if (behind > TimeSpan.Zero) factory.Clock.Advance(behind);
    }

    private static bool IsExpected(Exception e) => e is NpgsqlException or SqliteException or IOException or UnauthorizedAccessException;

    /// <summary>The factory's database as its constructor left it: an empty PostgreSQL database, or no SQLite file.</summary>
    private static void Empty(FraudWebFactory factory)
    {
        if (IsPostgres(factory, out var connectionString))
        {
            var name = DatabaseName(connectionString);
            Execute(TestPostgres.Server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            Execute(TestPostgres.Server, $"CREATE DATABASE \"{name}\"");
        }
        else
        {
            File.Delete(factory.DatabaseFile);
        }
    }

    private static bool IsEmpty(FraudWebFactory factory)
    {
        if (!IsPostgres(factory, out var connectionString)) return !File.Exists(factory.DatabaseFile);
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public')", connection);
        return command.ExecuteScalar() is true;
    }

    /// <summary>The factory's type and settings; on PostgreSQL without its own database's name.</summary>
    private static string KindOf(FraudWebFactory factory)
    {
        var settings = factory.Settings.Select(setting => setting.Key == "Database:ConnectionString" && IsPostgres(factory, out _)
                ? new KeyValuePair<string, string?>(setting.Key, new NpgsqlConnectionStringBuilder(setting.Value) { Database = null }.ConnectionString)
                : setting)
            .OrderBy(setting => setting.Key, StringComparer.Ordinal)
            .Select(setting => setting.Key + "=" + setting.Value);
        return factory.GetType().FullName + "\n" + string.Join("\n", settings);
    }

    private static bool IsPostgres(FraudWebFactory factory, out string connectionString)
    {
        connectionString = factory.Settings.GetValueOrDefault("Database:ConnectionString") ?? "";
        return string.Equals(factory.Settings.GetValueOrDefault("Database:Provider"), "Postgres", StringComparison.OrdinalIgnoreCase);
    }

    private static string DatabaseName(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static void DropAll()
    {
#pragma warning disable CA1031 // The run is over: a template left behind is the throwaway cluster's or the temp folder's.
        foreach (var template in Made)
        {
            try
            {
                Execute(TestPostgres.Server, $"DROP DATABASE IF EXISTS \"{template}\" WITH (FORCE)");
            }
            catch (Exception)
            {
            }
        }
        try
        {
            if (Directory.Exists(SqliteDirectory)) Directory.Delete(SqliteDirectory, recursive: true);
        }
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    }

    private sealed class Release(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    /// <summary>Registered right after the app's StartupInitializer: takes the template when this start makes one.</summary>
    public sealed class Snapshot(FraudWebFactory factory) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            Take(factory);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
