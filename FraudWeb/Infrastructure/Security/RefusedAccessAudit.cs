using FraudWeb.Services.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// PCI DSS 10.2.1.4: a signed-in user refused a page or an action by authorization (a holder on a staff page, an
/// analyst on an administrator's), or an API key refused an endpoint its scopes do not cover, is audited, then answered
/// as before (AccessDenied, 403, or the API's problem); as often as <see cref="RefusalThrottle"/> lets it. Keys that are unknown, expired or revoked are answered 401
/// and counted per address (ApiKeyFailures), not audited: they name no account.
/// </summary>
public sealed partial class RefusedAccessAudit(RefusalThrottle throttle, ILogger<RefusedAccessAudit> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _answer = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden && context.User.Identity is { IsAuthenticated: true, AuthenticationType: var scheme }
            && (scheme == IdentityConstants.ApplicationScheme || scheme == Api.ApiKeyAuthenticationHandler.SchemeName)
            && context.User.FindUserId() is { } userId
            && throttle.ShouldRecord(userId, context.GetEndpoint()?.DisplayName ?? context.Request.Path.Value ?? "/"))
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

    /// <summary>The API key a request was authenticated with (its id claim), or null for a signed-in session.</summary>
    internal static long? ApiKeyId(System.Security.Claims.ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(Api.ApiKeyAuthenticationHandler.KeyIdClaim)?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "A refused access could not be audited")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception);
}
