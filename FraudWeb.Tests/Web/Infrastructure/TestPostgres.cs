using Npgsql;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// The throwaway PostgreSQL cluster test.sh starts (FRAUDWEB_TEST_POSTGRES: a superuser connection string to it), and
/// the switch that runs the web tests on it (FRAUDWEB_TEST_PROVIDER=Postgres): every factory then gets its own new
/// database, dropped when the factory is disposed.
/// </summary>
public static class TestPostgres
{
    public const string ServerVariable = "FRAUDWEB_TEST_POSTGRES";
    public const string ProviderVariable = "FRAUDWEB_TEST_PROVIDER";

    /// <summary>Tests that mark SQLite-only behaviour (its file, WAL, its migration history) carry this trait.</summary>
    public const string SqliteOnly = "SqliteOnly";

    /// <summary>
    /// Test classes whose app runs as a process with settings of its own (SQLite), or that use no database: the
    /// PostgreSQL pass would only run them again as they ran (about 50 s of it). A test in such a class that starts a
    /// factory must run in both passes, so it belongs in another class (or is <see cref="SqliteOnly"/>).
    /// </summary>
    public const string ProviderIndependent = "ProviderIndependent";

    public static bool WebTestsOnPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The server's connection string; a test that needs PostgreSQL fails (never skips) without it.</summary>
    public static string Server =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server ? server
            : throw new InvalidOperationException($"{ServerVariable} is not set: run ./test.sh (it starts a throwaway PostgreSQL cluster), " +
                "or set it to a superuser connection string such as Host=127.0.0.1;Port=5432;Username=postgres.");

    /// <summary>A new empty database; its connection string.</summary>
    public static string CreateDatabase()
    {
        var name = "fraudweb_test_" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection(Server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    /// <summary>What every connection to the database is doing now (pg_stat_activity), one line each, and this process's pools to it, for a failure's message.</summary>
    public static async Task<string> ActivityAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT state, wait_event_type, wait_event, now() - xact_start, now() - state_change, left(query, 160) FROM pg_stat_activity WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", name!);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "-" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }
        // With Npgsql's own counts: a connection idle here may be rented by a request that has not gone on yet.
        return lines.Count + " connections:\n" + string.Join("\n", lines) + "\n" + NpgsqlPoolUsage.Describe(name!);
    }

    /// <summary>Drops the database (closing what is still connected to it).</summary>
    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        using (var pooled = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(pooled);
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        command.ExecuteNonQuery();
    }
}
