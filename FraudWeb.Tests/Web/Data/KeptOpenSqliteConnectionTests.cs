using System.Data;
using FraudWeb.Data;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// A pooled SQLite context keeps its connection open between uses (docs/decisions/0017), never with a transaction
/// begun, and closes it when the context is disposed.
/// </summary>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class KeptOpenSqliteConnectionTests(FraudWebFactory factory) : IClassFixture<FraudWebFactory>
{
    [Fact]
    public async Task CloseConnection_AfterARequestsReads_StaysOpenAcrossTheReturnToThePool()
    {
        // Arrange: a request's use of a pooled context
        System.Data.Common.DbConnection connection;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            await db.Database.OpenConnectionAsync();
            Assert.True(await db.Terminals.AnyAsync());
            connection = db.Database.GetDbConnection();

            // Act
            await db.Database.CloseConnectionAsync();
            Assert.Equal(ConnectionState.Open, connection.State);
        }

        // Assert: back in the pool, still open (the next request does not open it again)
        Assert.Equal(ConnectionState.Open, connection.State);
    }

    [Fact]
    public async Task OpenConnection_NewOrReopened_CheckpointsTheLogOnlyPastTheLongerLength()
    {
        // Arrange: a connection opened, really closed (a transaction left open in SQL) and opened again
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();
        var first = await AutoCheckpointAsync(db);
        await db.Database.ExecuteSqlRawAsync("BEGIN IMMEDIATE");
        await db.Database.CloseConnectionAsync();

        // Act
        await db.Database.OpenConnectionAsync();
        var reopened = await AutoCheckpointAsync(db);

        // Assert: SQLite's default is 1,000 frames; every connection the app opens uses the longer log
        Assert.Equal(KeptOpenSqliteConnection.WalAutoCheckpointFrames, first);
        Assert.Equal(KeptOpenSqliteConnection.WalAutoCheckpointFrames, reopened);
        Assert.NotEqual(1000, first);
    }

    private static async Task<long> AutoCheckpointAsync(FraudDbContext db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task CloseConnection_WithATransactionBegunInSql_ReallyCloses()
    {
        // Arrange: a transaction EF Core does not know of (it rolls back its own before closing)
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("BEGIN IMMEDIATE");
        var connection = db.Database.GetDbConnection();

        // Act
        await db.Database.CloseConnectionAsync();

        // Assert: closed, so the transaction and its lock end here instead of waiting for the next use
        Assert.Equal(ConnectionState.Closed, connection.State);
        await using var other = NewContext();
        await other.Database.ExecuteSqlRawAsync("BEGIN IMMEDIATE; ROLLBACK;");
    }

    [Fact]
    public async Task CloseConnection_WithAReadLeftUnfinished_ReallyCloses()
    {
        // Arrange: a statement stepped once and not reset holds a read snapshot although SQLite is in autocommit mode;
        // kept, the next request on this connection would read that old snapshot
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.False(KeptOpenSqliteConnection.CanStayOpen(connection));

        // Act
        await db.Database.CloseConnectionAsync();

        // Assert
        Assert.Equal(ConnectionState.Closed, connection.State);
    }

    [Fact]
    public async Task Dispose_AKeptConnection_ClosesIt()
    {
        // Arrange
        var db = NewContext();
        await db.Database.OpenConnectionAsync();
        Assert.True(await db.Terminals.AnyAsync());
        await db.Database.CloseConnectionAsync();
        var connection = db.Database.GetDbConnection();
        Assert.Equal(ConnectionState.Open, connection.State);

        // Act
        await db.DisposeAsync();

        // Assert
        Assert.Equal(ConnectionState.Closed, connection.State);
    }

    private SqliteFraudDbContext NewContext()
    {
        var options = new DbContextOptionsBuilder<SqliteFraudDbContext>();
        DataServiceCollectionExtensions.Configure(options, factory.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value,
            factory.Services.GetRequiredService<FraudWebPaths>());
        KeptOpenSqliteConnection.Use(options);
        return new SqliteFraudDbContext(options.Options);
    }
}
