using System.Collections.Concurrent;
using FraudWeb.Services.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// PCI DSS 10.2.1.4: a signed-in user refused a page or an action by authorization (a holder on a staff page, an
/// analyst on an administrator's), or an API key refused an endpoint its scopes do not cover, is audited, then answered
/// as before (AccessDenied, 403, or the API's problem). Keys that are unknown, expired or revoked are answered 401
/// and counted per address (ApiKeyFailures), not audited: they name no account.
/// </summary>
public sealed partial class RefusedAccessAudit(TimeProvider clock, ILogger<RefusedAccessAudit> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _answer = new();

    // At most one entry per user and page (its endpoint: the same action for every id of /AdminUsers/Details/{id}) a minute, and
    // at most PerUserPerWindow per user, so one user retrying or scripting refused pages cannot flood the append-only
    // log. In memory, per instance (a refusal seen by two instances may be recorded twice); entries older than the
    // window are swept once a map grows past a few thousand, so they stay small.
    private readonly ConcurrentDictionary<(string User, string Page), DateTimeOffset> _recorded = new();
    private readonly ConcurrentDictionary<string, (DateTimeOffset Since, int Count)> _perUser = new(StringComparer.Ordinal);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int SweepAbove = 4096;
    public const int PerUserPerWindow = 10;

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden && context.User.Identity is { IsAuthenticated: true, AuthenticationType: var scheme }
            && (scheme == IdentityConstants.ApplicationScheme || scheme == Api.ApiKeyAuthenticationHandler.SchemeName)
            && context.User.FindUserId() is { } userId
            && ShouldRecord(userId, context.GetEndpoint()?.DisplayName ?? context.Request.Path.Value ?? "/"))
        {
            try
            {
                await context.RequestServices.GetRequiredService<AccessAuditService>()
                    .RecordRefusedAsync(userId, context.Request.Method, context.Request.Path.Value ?? "/", ApiKeyId(context.User), context.RequestAborted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The refusal stands whatever the log's fate: logged, and answered as a refusal, never a 500.
                LogNotRecorded(logger, ex);
            }
        }
        await _answer.HandleAsync(next, context, policy, authorizeResult);
    }

    private static long? ApiKeyId(System.Security.Claims.ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(Api.ApiKeyAuthenticationHandler.KeyIdClaim)?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    private bool ShouldRecord(string userId, string page)
    {
        var now = clock.GetUtcNow();
        var key = (userId, page.Length > 450 ? page[..450] : page);
        if (_recorded.TryGetValue(key, out var last) && now - last < Window) return false;
        var counted = _perUser.AddOrUpdate(userId, _ => (now, 1),
            (_, current) => now - current.Since >= Window ? (now, 1) : (current.Since, current.Count + 1));
        if (counted.Count > PerUserPerWindow) return false;
        if (_recorded.Count > SweepAbove)
        {
            foreach (var (old, at) in _recorded)
            {
                if (now - at >= Window) _recorded.TryRemove(old, out _);
            }
        }
        if (_perUser.Count > SweepAbove)
        {
            foreach (var (user, window) in _perUser)
            {
                if (now - window.Since >= Window) _perUser.TryRemove(user, out _);
            }
        }
        // Two refusals racing here may both pass: at most one extra entry.
        _recorded[key] = now;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A refused access could not be audited")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception);
}
