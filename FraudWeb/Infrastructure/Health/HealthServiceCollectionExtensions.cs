using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Accounts;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Data.Sqlite;
using FraudWeb.Services.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FraudWeb.Infrastructure.Health;

/// <summary>
/// /healthz for load balancers and orchestrators: 200 "Healthy" when this instance can reach its database, the database
/// accepts writes, and it has a model to score payments with, 503 "Unhealthy" otherwise. Anonymous, and says nothing
/// more than the status; staff who may view models get JSON details: which instance answered, the model version it
/// serves, each check.
/// </summary>
public static class HealthServiceCollectionExtensions
{
    public const string Path = "/healthz";

    public static IServiceCollection AddFraudHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<ServingModelHealthCheck>("serving-model");
        services.AddSingleton<HealthTransitions>();
        return services;
    }

    public static WebApplication MapFraudHealthChecks(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync }).AllowAnonymous().DisableHttpMetrics();
        return app;
    }

    /// <summary>The instance answering (host name and process), so staff behind a load balancer see which one it was.</summary>
    public static string InstanceName { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.RequestServices.GetRequiredService<HealthTransitions>().Observe(report);
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        // Staff who have not enrolled their two-step sign-in reach no staff page yet, so no details either (as /metrics).
        var staff = context.User.Identity?.IsAuthenticated == true
            && (await authorization.AuthorizeAsync(context.User, Permissions.ModelsView)).Succeeded
            && !await context.RequestServices.GetRequiredService<MfaService>().MustEnrolAsync(context.User.FindUserId(), context.User.GetPermissions());
        if (!staff)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(report.Status.ToString());
            return;
        }
        // Details are for one person, never for a shared cache.
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            instance = InstanceName,
            servingModel = context.RequestServices.GetRequiredService<IServingModel>().Current?.Version,
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}

internal sealed class DatabaseHealthCheck(FraudDbContext db) : IHealthCheck
{
    private const string Unreachable = "The database cannot be reached.";

    /// <summary>With less free space than this, SQLite's next commit or checkpoint fails with "database or disk is full".</summary>
    private const long FullBelowBytes = 1 << 20;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken)) return HealthCheckResult.Unhealthy(Unreachable);
            // A PostgreSQL standby (reached after a failover) or a database set read-only answers reads but refuses
            // every payment: the instance must leave the load balancer's rotation as when its database cannot be reached.
            if (db.Database.IsNpgsql()
                && await db.Database.SqlQueryRaw<string>("SELECT current_setting('transaction_read_only') AS \"Value\"").SingleAsync(cancellationToken) == "on")
            {
                return HealthCheckResult.Unhealthy("The database refuses writes (a standby, or set read-only): payments cannot be stored.");
            }
            // SQLite answers reads from a full disk, and even commits while its WAL file has room, then refuses every
            // payment: the probe must say so while it lasts, not only the payments' 503s.
            if (db.Database.IsSqlite() && FreeBytes() < FullBelowBytes)
            {
                return HealthCheckResult.Unhealthy("The disk holding the database is full (under 1 MB free): payments cannot be stored.");
            }
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (DatabaseFaults.IsUnavailable(ex))
        {
            return HealthCheckResult.Unhealthy(Unreachable);
        }
    }

    /// <summary>The space this user may still write on the SQLite file's disk; null for an in-memory or URI database.</summary>
    private long? FreeBytes()
    {
        var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (file is not { Length: > 0 } || file == ":memory:" || file.StartsWith("file:", StringComparison.Ordinal)) return null;
        try
        {
            return Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder ? new DriveInfo(folder).AvailableFreeSpace : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

internal sealed class ServingModelHealthCheck(IServingModel serving) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(serving.Current is null
            ? HealthCheckResult.Unhealthy("No fraud model is serving: payments cannot be scored.")
            : HealthCheckResult.Healthy());
}

/// <summary>
/// Logs the instance's health when it changes, once, with the failing checks' reasons. The framework logs an error for
/// every unhealthy probe (one every few seconds per prober through an outage), so its category is turned down to
/// Critical in appsettings.json and this says it instead.
/// </summary>
public sealed partial class HealthTransitions(ILogger<HealthTransitions> logger)
{
    private int _last = (int)HealthStatus.Healthy;

    public void Observe(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var previous = (HealthStatus)Interlocked.Exchange(ref _last, (int)report.Status);
        if (previous == report.Status) return;
        if (report.Status == HealthStatus.Healthy)
        {
            LogHealthyAgain(logger, previous);
            return;
        }
        var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).ToList();
        // A check that threw keeps its exception (the framework's own error line, now turned down, had it).
        LogNotHealthy(logger, failing.Select(e => e.Value.Exception).FirstOrDefault(e => e is not null), report.Status,
            string.Join("; ", failing.Select(e => $"{e.Key}: {e.Value.Description}")));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health: {Status} ({Reasons})")]
    private static partial void LogNotHealthy(ILogger logger, Exception? exception, HealthStatus status, string reasons);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health: Healthy again (was {Previous})")]
    private static partial void LogHealthyAgain(ILogger logger, HealthStatus previous);
}
