using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// The hand-written migrations must build exactly the schema EF derives from the model: a database made by
/// Migrate() and one made by EnsureCreated() are compared through SQLite's own catalogue.
/// </summary>
/// <remarks>The SQLite history's own file: run once, not again in the PostgreSQL pass.</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class MigrationSchemaTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-schema-" + Guid.NewGuid().ToString("N"));

    public MigrationSchemaTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Migrate_EmptyDatabase_SchemaEqualsModelSchema()
    {
        // Arrange
        await using var migrated = NewContext("migrated.db");
        await using var created = NewContext("created.db");

        // Act
        await migrated.Database.MigrateAsync();
        await created.Database.EnsureCreatedAsync();

        // Assert
        var expected = await DescribeAsync(created);
        var actual = await DescribeAsync(migrated);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigrationAndLeavesNonePending()
    {
        // Arrange
        await using var context = NewContext("pending.db");

        // Act
        await context.Database.MigrateAsync();

        // Assert
        Assert.Contains(context.Database.GetMigrations(), m => m.EndsWith("_Initial", StringComparison.Ordinal));
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public void HasPendingModelChanges_HandWrittenSnapshot_MatchesModel()
    {
        // Arrange
        using var context = NewContext("snapshot.db");

        // Act
        var pending = context.Database.HasPendingModelChanges();

        // Assert
        Assert.False(pending);
    }

    [Fact]
    public async Task Schema_HistoryQueries_HaveCardTimeAndTerminalTimeIndexes()
    {
        // Arrange
        await using var context = NewContext("indexes.db");
        await context.Database.MigrateAsync();

        // Act
        var schema = await DescribeAsync(context);

        // Assert
        Assert.Contains("index Transactions.IX_Transactions_CardId_TimestampUtc_Id_TerminalId unique=0 partial=0 columns=CardId,TimestampUtc,Id,TerminalId", schema);
        Assert.Contains("index Transactions.IX_Transactions_TerminalId_TimestampUtc unique=0 partial=0 columns=TerminalId,TimestampUtc", schema);
        // Unique among the cards that take payments: a removed card's number may be added again (ADR 0023).
        Assert.Contains("index Cards.IX_Cards_CardHolderId_Fingerprint unique=1 partial=1 columns=CardHolderId,Fingerprint", schema);
        Assert.Contains("index Cards.IX_Cards_CardHolderId unique=0 partial=0 columns=CardHolderId", schema);
        // Staff find a card by its whole number (0030); never unique: a global unique index would tell anyone whether
        // someone else holds a number (ADR 0003).
        Assert.Contains("index Cards.IX_Cards_Fingerprint unique=0 partial=0 columns=Fingerprint", schema);
        // The review queue's search by last four digits starts from the cards that have them (0029).
        Assert.Contains("index Cards.IX_Cards_Last4 unique=0 partial=0 columns=Last4", schema);
        Assert.Contains("index FraudReports.IX_FraudReports_TransactionId_Open unique=1 partial=1 columns=TransactionId", schema);
        // The queue's open reports in its order (0029).
        Assert.Contains("index FraudReports.IX_FraudReports_Queue unique=0 partial=1 columns=Risk,CreatedUtc,TransactionId", schema);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private SqliteFraudDbContext NewContext(string file)
    {
        var options = new DbContextOptionsBuilder<SqliteFraudDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory, file)}")
            .Options;
        return new SqliteFraudDbContext(options);
    }

    /// <summary>Tables, columns (type, not null, default, primary key), indexes (unique, partial, columns) and foreign keys.</summary>
    private static async Task<List<string>> DescribeAsync(FraudDbContext context)
    {
        var connection = (SqliteConnection)context.Database.GetDbConnection();
        await connection.OpenAsync();
        var lines = new List<string>();
        var tables = await ReadAsync(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('__EFMigrationsHistory', '__EFMigrationsLock') ORDER BY name",
            r => r.GetString(0));
        foreach (var table in tables)
        {
            lines.Add($"table {table}");
            lines.AddRange(await ReadAsync(connection, $"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')",
                r => $"column {table}.{r.GetString(0)} type={r.GetString(1)} notnull={r.GetInt64(2)} default={(r.IsDBNull(3) ? "" : r.GetString(3))} pk={r.GetInt64(4)}"));
            var indexes = await ReadAsync(connection, $"SELECT name, \"unique\", partial FROM pragma_index_list('{table}')",
                r => (Name: r.GetString(0), Unique: r.GetInt64(1), Partial: r.GetInt64(2)));
            foreach (var index in indexes)
            {
                var columns = await ReadAsync(connection, $"SELECT name FROM pragma_index_info('{index.Name}') ORDER BY seqno", r => r.IsDBNull(0) ? "?" : r.GetString(0));
                lines.Add($"index {table}.{index.Name} unique={index.Unique} partial={index.Partial} columns={string.Join(",", columns)}");
            }
            lines.AddRange(await ReadAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list('{table}')",
                r => $"fk {table}.{r.GetString(1)} -> {r.GetString(0)}.{r.GetString(2)} update={r.GetString(3)} delete={r.GetString(4)}"));
        }
        await connection.CloseAsync();
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<T>> ReadAsync<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> map)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(map(reader));
        return rows;
    }
}
