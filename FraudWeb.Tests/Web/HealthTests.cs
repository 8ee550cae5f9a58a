using System.Net;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace FraudWeb.Tests.Web;

[Collection(WebTestGroup.Name)]
public sealed class HealthTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Healthz_AnonymousOnAHealthyInstance_200HealthyAndNothingMore()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Healthz_NoModelServing_503Unhealthy()
    {
        // Arrange
        using var noModel = new NoModelFactory();
        using var client = noModel.CreateBrowserClient();

        // Act
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_PostgresRefusesWrites_503AndTheDatabaseCheckSaysWhy()
    {
        // Arrange: the instance reaches a database that answers reads but refuses writes (a standby after a failover,
        // or default_transaction_read_only set for maintenance): every payment would answer 503.
        using var postgres = new PostgresFactory();
        using var client = postgres.CreateBrowserClient();
        using (var before = await client.GetAsync(new Uri("/healthz", UriKind.Relative))) Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await SetReadOnlyAsync(postgres.Database, true);
        try
        {
            // Act (the first check may meet a pooled connection the database just ended)
            var health = postgres.Services.GetRequiredService<HealthCheckService>();
            var report = await health.CheckHealthAsync();
            for (var tries = 0; tries < 50 && report.Entries["database"].Description?.Contains("refuses writes", StringComparison.Ordinal) != true; tries++)
            {
                await Task.Delay(100);
                report = await health.CheckHealthAsync();
            }
            using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

            // Assert
            Assert.Equal(HealthStatus.Unhealthy, report.Entries["database"].Status);
            Assert.Contains("refuses writes", report.Entries["database"].Description, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        finally
        {
            await SetReadOnlyAsync(postgres.Database, false);
        }
    }

    /// <summary>Makes the database's new sessions read-only (or writable again) and ends the current ones, as a failover would.</summary>
    private static async Task SetReadOnlyAsync(string database, bool readOnly)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestPostgres.Server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{name}\" SET default_transaction_read_only = {(readOnly ? "on" : "off")}", connection)) await alter.ExecuteNonQueryAsync();
        await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
        terminate.Parameters.AddWithValue("name", name!);
        await terminate.ExecuteScalarAsync();
    }

    /// <summary>An instance on PostgreSQL whichever pass the suite runs: the PostgreSQL pass's database, else one of its own.</summary>
    private sealed class PostgresFactory : FraudWebFactory
    {
        private readonly string? _own;

        public PostgresFactory()
        {
            if (PostgresDatabase is not null) return;
            _own = TestPostgres.CreateDatabase();
            Settings["Database:Provider"] = "Postgres";
            Settings["Database:ConnectionString"] = _own;
        }

        public string Database => PostgresDatabase ?? _own!;

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing && _own is not null) TestPostgres.DropDatabase(_own);
        }
    }

    /// <summary>An instance whose model never arrives (start-up's promotion is ignored).</summary>
    private sealed class NoModelFactory : FraudWebFactory
    {
        public NoModelFactory() => Settings["Seed:Trees"] = "5";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IServingModel>();
                services.AddSingleton<IServingModel, NeverServing>();
            });
        }
    }

    private sealed class NeverServing : IServingModel
    {
        public ServingSnapshot? Current => null;

        public void Promote(ServingSnapshot snapshot)
        {
        }
    }
}
