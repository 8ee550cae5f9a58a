using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// Sits just inside the exception handlers (web and API) and around authentication and MVC, and turns database faults
/// (<see cref="DatabaseFaults"/>) into a recovery rather than an error where that is safe:
/// <list type="bullet">
/// <item>A broken PostgreSQL connection clears the connection pools: after a server restart every pooled connection is dead.</item>
/// <item>A GET or HEAD that failed on a broken connection runs once more, on new connections and in a new service
/// scope, after a short pause. Nothing else is ever run again here: a payment retried by the server could be recorded
/// twice, while the client's retry with its Idempotency-Key cannot.</item>
/// <item>Every other database fault is logged once, as a warning, and left to the exception handlers, which answer
/// 503 (<see cref="WebServiceCollectionExtensions.StatusCodeFor"/>).</item>
/// <item>The web's error page for such a fault is shown with Retry-After and without the sign-in cookie: checking a
/// session reads the database, which is what just failed.</item>
/// </list>
/// </summary>
public sealed partial class DatabaseRetryMiddleware(
    RequestDelegate next,
    IServiceScopeFactory scopes,
    IOptionsMonitor<CookieAuthenticationOptions> cookies,
    ILogger<DatabaseRetryMiddleware> logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    // One clearing per second is enough: a burst of failing requests after a restart need not empty the pool again and again.
    private const long PoolClearIntervalMilliseconds = 1000;
    private static long _lastPoolClear = -PoolClearIntervalMilliseconds;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<IExceptionHandlerFeature>()?.Error is { } handled && DatabaseFaults.IsUnavailable(handled))
        {
            await ShowUnavailablePageAsync(context);
            return;
        }

        // Only a safe request may run twice; what it carried before this point is noted, so that a second attempt
        // starts as the first did (without the first's endpoint, sign-in or antiforgery token, whose cookie went with
        // the cleared response).
        var safe = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        var featuresBefore = safe ? FeatureTypes(context) : [];
        try
        {
            await next(context);
            return;
        }
        catch (Exception ex) when (IsDatabaseFault(context, ex))
        {
            if (DatabaseFaults.IsBrokenConnection(ex)) ClearConnectionPools();
            if (!safe || !DatabaseFaults.IsBrokenConnection(ex))
            {
                Unavailable(context, ex);
                throw;
            }
            LogRunningAgain(logger, context.Request.Method, context.Request.Path.Value, ex.Message);
        }

        // Outside the catch block: the first attempt's exception is over; a second fault is reported on its own.
        await Task.Delay(RetryDelay, context.RequestAborted);
        context.Response.Clear();
        foreach (var added in FeatureTypes(context).Except(featuresBefore))
        {
            // The request's services stay (they are disposed with it); the second attempt gets a scope of its own below.
            if (added != typeof(IServiceProvidersFeature)) context.Features[added] = null;
        }
        context.User = new ClaimsPrincipal(new ClaimsIdentity());
        try
        {
            await RunInNewScopeAsync(context);
        }
        catch (Exception ex) when (IsDatabaseFault(context, ex))
        {
            if (DatabaseFaults.IsBrokenConnection(ex)) ClearConnectionPools();
            Unavailable(context, ex);
            throw;
        }
    }

    /// <summary>A database fault that can still be answered (the response not started, the client still there).</summary>
    private static bool IsDatabaseFault(HttpContext context, Exception exception) =>
        !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && DatabaseFaults.IsUnavailable(exception);

    /// <summary>
    /// The request's feature types, noted on every safe request: a list sized once (Kestrel's collection holds about
    /// forty), not a set grown by doubling, which was 7% of a page's allocations (issue 17).
    /// </summary>
    private static List<Type> FeatureTypes(HttpContext context)
    {
        var types = new List<Type>(64);
        foreach (var feature in context.Features) types.Add(feature.Key);
        return types;
    }

    /// <summary>
    /// The rest of the pipeline in a new service scope: the first attempt's scoped services (its DbContext, the
    /// authentication handlers that remember a failed result) are not reused.
    /// </summary>
    private async Task RunInNewScopeAsync(HttpContext context)
    {
        var scope = scopes.CreateAsyncScope();
        // Disposed with the request, like the request's own scope, so nothing used while answering is disposed early.
        context.Response.RegisterForDisposeAsync(scope);
        var original = context.RequestServices;
        context.RequestServices = scope.ServiceProvider;
        try
        {
            await next(context);
        }
        finally
        {
            context.RequestServices = original;
        }
    }

    /// <summary>The exception handler re-executing a page request for a database fault: the error page, anonymously.</summary>
    private Task ShowUnavailablePageAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = DatabaseFaults.RetryAfterSeconds;
        if (cookies.Get(IdentityConstants.ApplicationScheme).Cookie.Name is { Length: > 0 } name)
        {
            // The sign-in cookie (and its chunks, name + "C1"...) is left out; the page's other cookies stay.
            var kept = context.Request.Headers.Cookie
                .SelectMany(value => (value ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Where(pair => !pair.StartsWith(name, StringComparison.Ordinal))
                .ToArray();
            context.Request.Headers.Cookie = string.Join("; ", kept);
        }
        context.User = new ClaimsPrincipal(new ClaimsIdentity());
        return RunInNewScopeAsync(context);
    }

    private static void ClearConnectionPools()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastPoolClear);
        if (now - last < PoolClearIntervalMilliseconds || Interlocked.CompareExchange(ref _lastPoolClear, now, last) != last) return;
        NpgsqlConnection.ClearAllPools();
    }

    // An outage fails every request: one warning with its exception per window, the rest at Debug and counted in the
    // next warning (a full disk logged 3,109 stack traces in 20 s: resilience test).
    private const long WarningWindowMilliseconds = 10_000;
    private long _warnedAt = long.MinValue;
    private int _notWarned;

    private void Unavailable(HttpContext context, Exception exception)
    {
        var now = Environment.TickCount64;
        var warnedAt = Interlocked.Read(ref _warnedAt);
        if ((warnedAt != long.MinValue && now - warnedAt < WarningWindowMilliseconds) || Interlocked.CompareExchange(ref _warnedAt, now, warnedAt) != warnedAt)
        {
            Interlocked.Increment(ref _notWarned);
            LogUnavailableAgain(logger, context.Request.Method, context.Request.Path.Value, exception.Message);
            return;
        }
        LogUnavailable(logger, exception, context.Request.Method, context.Request.Path.Value, Interlocked.Exchange(ref _notWarned, 0));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database could not answer {Method} {Path}; answering 503 ({NotWarned} more such requests since the last of these warnings, logged at Debug)")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string? path, int notWarned);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The database could not answer {Method} {Path} either ({Reason}); answering 503")]
    private static partial void LogUnavailableAgain(ILogger logger, string method, string? path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A database connection failed during {Method} {Path} ({Reason}); running it once more on a new connection")]
    private static partial void LogRunningAgain(ILogger logger, string method, string? path, string reason);
}
