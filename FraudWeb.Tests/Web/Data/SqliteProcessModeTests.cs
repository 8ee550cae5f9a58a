using FraudWeb.Infrastructure.Database;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Data.Sqlite;

namespace FraudWeb.Tests.Web.Data;

/// <summary>SQLite's process mode (<see cref="SqliteProcessMode"/>) in the test process, which sets it as the app does.</summary>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class SqliteProcessModeTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"fraudweb-mode-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
    }

    [Fact]
    public void Apply_TestProcess_AppliedBeforeAnyConnection()
    {
        // The tests run SQLite in the app's mode (SqliteModeInitializer), and applying again changes nothing.
        Assert.True(SqliteProcessMode.Applied);
        Assert.True(SqliteProcessMode.Apply());
    }

    [Fact]
    public async Task MultiThreadMode_ConnectionPerThread_EveryWriteKept()
    {
        // Multi-thread mode's contract: one connection per thread at a time. Eight threads each with its own connection
        // write to one WAL database at once; every row is there.
        using (var setup = new SqliteConnection($"Data Source={_file}"))
        {
            setup.Open();
            using var create = setup.CreateCommand();
            create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (thread INTEGER, n INTEGER);";
            create.ExecuteNonQuery();
        }
        await Task.WhenAll(Enumerable.Range(0, 8).Select(thread => Task.Run(() =>
        {
            using var connection = new SqliteConnection($"Data Source={_file};Default Timeout=30");
            connection.Open();
            for (var n = 0; n < 200; n++)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO t VALUES ($thread, $n)";
                insert.Parameters.AddWithValue("$thread", thread);
                insert.Parameters.AddWithValue("$n", n);
                insert.ExecuteNonQuery();
            }
        })));
        using var check = new SqliteConnection($"Data Source={_file}");
        check.Open();
        using var count = check.CreateCommand();
        count.CommandText = "SELECT count(*), count(DISTINCT thread * 1000 + n) FROM t";
        using var reader = count.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(1600, reader.GetInt64(0));
        Assert.Equal(1600, reader.GetInt64(1));
    }
}
