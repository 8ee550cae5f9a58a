using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Options;
using Npgsql;

namespace FraudWeb.Tests.Web.Data;

/// <summary>The PostgreSQL connection string the app uses: statements auto-prepared and a bounded pool unless the operator says otherwise.</summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void PostgresConnectionString_WithoutAutoPrepare_PreparesRepeatedStatements()
    {
        // Act
        var built = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PostgresConnectionString(Options("Host=db;Database=fraudweb;Username=app")));

        // Assert
        Assert.Equal(DataServiceCollectionExtensions.DefaultMaxAutoPrepare, built.MaxAutoPrepare);
        Assert.True(built.NoResetOnClose);
        Assert.Equal(DataServiceCollectionExtensions.DefaultMaxPoolSize, built.MaxPoolSize);
        Assert.Equal("db", built.Host);
        Assert.Equal("fraudweb", built.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false;Maximum Pool Size=100")]
    [InlineData("Host=db;maxautoprepare=0;noresetonclose=false;MaxPoolSize=100")]
    [InlineData("Host=db; MAX AUTO PREPARE = 0; No Reset On Close = False; MAXIMUM POOL SIZE = 100")]
    public void PostgresConnectionString_OperatorSetsTheirOwn_KeepsTheirValues(string connectionString)
    {
        // Act
        var built = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PostgresConnectionString(Options(connectionString)));

        // Assert: e.g. off behind a pooler in transaction mode
        Assert.Equal(0, built.MaxAutoPrepare);
        Assert.False(built.NoResetOnClose);
        Assert.Equal(100, built.MaxPoolSize);
    }

    [Fact]
    public void PostgresConnectionString_NotAConnectionString_IsAConfigurationError()
    {
        var error = Assert.Throws<ConfigurationException>(() => DataServiceCollectionExtensions.PostgresConnectionString(Options("Host=db;Bogus Setting=1")));
        Assert.Contains("not a valid PostgreSQL connection string", error.Message, StringComparison.Ordinal);
    }

    private static DatabaseOptions Options(string connectionString) => new() { Provider = "Postgres", ConnectionString = connectionString };
}
