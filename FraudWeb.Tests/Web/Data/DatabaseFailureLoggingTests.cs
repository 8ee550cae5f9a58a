using FraudWeb.Infrastructure.Database;
using Npgsql;

namespace FraudWeb.Tests.Web.Data;

public sealed class DatabaseFailureLoggingTests
{
    private static PostgresException Failure(string sqlState) => new("relation does not exist", "ERROR", "ERROR", sqlState);

    [Fact]
    public void Configure_EfCoresOwnFailureEvents_Debug()
    {
        // Arrange: a disk full or a killed server logged "An error occurred using a transaction." as an error per request (resilience test)
        var builder = new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder();

        // Act
        FraudWeb.Infrastructure.Database.DatabaseFailureLogging.Configure(builder);

        // Assert
        var warnings = builder.Options.FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()!.WarningsConfiguration;
        foreach (var id in new[] { Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.ConnectionError,
                     Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.TransactionError, Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed })
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, warnings.GetLevel(id));
    }

    [Fact]
    public void IsLogged_MigratorsHistoryProbeOnANewPostgresDatabase_NotAnError()
    {
        // Operations review: every new installation on PostgreSQL logged this as an error with a stack trace
        using var command = new NpgsqlCommand("""SELECT "MigrationId", "ProductVersion" FROM "__EFMigrationsHistory" ORDER BY "MigrationId";""");

        Assert.False(DatabaseFailureLogging.IsLogged(command, Failure(PostgresErrorCodes.UndefinedTable)));
    }

    [Theory]
    [InlineData("""SELECT * FROM "Transactions";""", PostgresErrorCodes.UndefinedTable)]
    [InlineData("""SELECT "MigrationId" FROM "__EFMigrationsHistory";""", PostgresErrorCodes.UniqueViolation)]
    public void IsLogged_AnyOtherFailure_Logged(string sql, string sqlState)
    {
        using var command = new NpgsqlCommand(sql);

        Assert.True(DatabaseFailureLogging.IsLogged(command, Failure(sqlState)));
    }
}
