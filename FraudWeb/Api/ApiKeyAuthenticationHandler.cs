using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using FraudWeb.Services.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FraudWeb.Api;

/// <summary>
/// The API's only authentication: <c>Authorization: Bearer &lt;key&gt;</c>. Only API endpoints ask for this scheme,
/// and they ask for no other, so the API ignores cookies (no CSRF surface) and the web pages ignore keys.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    ApiKeyFailureLimiter failures,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "api_key_id";
    private const string ConsentMissingClaim = "consent_missing";

    public const string TooManyFailures = "Too many requests from this address came with API keys that do not work, and this key does not exist. Wait for the seconds in Retry-After; keys that exist are still checked.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("Not a bearer key.");
        var presented = header["Bearer ".Length..].Trim();
        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        // Past the address's limit of keys that did not work, a key that does not exist is refused at once (429, no hash);
        // one that exists is checked as always, so an integration behind the same address is never cut off by others' guesses.
        if (failures.Exhausted(address) is { } wait && !await keys.PrefixExistsAsync(presented, Context.RequestAborted))
        {
            Context.Items[TooManyFailuresItem] = wait;
            return AuthenticateResult.Fail("Too many keys that do not exist from this address.");
        }
        var caller = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        if (caller is null)
        {
            failures.Failed(address);
            return AuthenticateResult.Fail("Unknown, expired or revoked API key.");
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, caller.UserId),
            new(KeyIdClaim, caller.KeyId.ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(caller.Scopes.Select(scope => new Claim(ApiScopes.ClaimType, scope)));
        if (caller.ConsentMissing) claims.Add(new Claim(ConsentMissingClaim, "true"));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>Where a refusal for too many failed keys from the address keeps its wait, for the challenge.</summary>
    private const string TooManyFailuresItem = "FraudWeb.ApiKeyFailuresWait";

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[TooManyFailuresItem] is TimeSpan wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await WriteAsync(ApiProblems.RateLimited, TooManyFailures);
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var failed = Request.Headers.Authorization.Count > 0;
        // RFC 6750 section 3: which scheme to use, and whether the key sent was the problem.
        Response.Headers.WWWAuthenticate = failed ? "Bearer realm=\"FraudWeb API\", error=\"invalid_token\"" : "Bearer realm=\"FraudWeb API\"";
        await WriteAsync(ApiProblems.Unauthorized, failed ? "The API key is unknown, expired or revoked, or its owner's account is locked." : "No API key was sent.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"FraudWeb API\", error=\"insufficient_scope\"";
        // A holder's key without their consent carries no scopes: the refusal says why, not "wrong scope".
        var problem = Context.User.HasClaim(ConsentMissingClaim, "true") ? ApiProblems.ConsentRequired : ApiProblems.Forbidden;
        await WriteAsync(problem, problem.Description);
    }

    private async Task WriteAsync(ApiProblems.ProblemType type, string detail) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = type.Status, Type = type.Uri, Title = type.Title, Detail = detail },
        });
}
