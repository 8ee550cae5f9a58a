using FraudWeb.Data;
using FraudWeb.Services.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FraudWeb.Infrastructure.Health;

/// <summary>
/// /healthz for load balancers and orchestrators: 200 "Healthy" when this instance can reach its database and has a
/// model to score payments with, 503 "Unhealthy" otherwise. Anonymous, and says nothing more than the status.
/// </summary>
public static class HealthServiceCollectionExtensions
{
    public const string Path = "/healthz";

    public static IServiceCollection AddFraudHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<ServingModelHealthCheck>("serving-model");
        return services;
    }

    public static WebApplication MapFraudHealthChecks(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(Path).AllowAnonymous().DisableHttpMetrics();
        return app;
    }
}

internal sealed class DatabaseHealthCheck(FraudDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database cannot be reached.");
}

internal sealed class ServingModelHealthCheck(IServingModel serving) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(serving.Current is null
            ? HealthCheckResult.Unhealthy("No fraud model is serving: payments cannot be scored.")
            : HealthCheckResult.Healthy());
}
