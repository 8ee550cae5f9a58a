using FraudWeb.Infrastructure.Database;
using Npgsql;

namespace FraudWeb.Tests.Web.Data;

public sealed class DatabaseFailureLoggingTests
{
    private static PostgresException Failure(string sqlState) => new("relation does not exist", "ERROR", "ERROR", sqlState);

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
