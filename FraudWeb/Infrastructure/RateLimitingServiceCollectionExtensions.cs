using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using FraudWeb.Api;
using FraudWeb.Infrastructure.Options;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure;

/// <summary>
/// Built-in rate limiting for the abuse-prone POSTs (ASVS 2.2.1, 11.1.4). Each named policy limits per client IP; the
/// global limiter adds a per-account limit on the same endpoints, keyed by the signed-in user id or, on anonymous
/// account forms, by the email typed, so neither many accounts from one address nor many addresses against one
/// account get through. Limits come from the "RateLimits" section.
/// </summary>
public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>Where the account key read from a form is kept for the global limiter (which cannot read the body).</summary>
    private const string AccountKeyItem = "FraudWeb.RateLimitAccount";

    public static IServiceCollection AddFraudRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, configured) =>
        {
            var rules = configured.Value.GetRules();
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                // The body stays empty, so the status-code page renders the friendly 429 page (problem details on the API).
                return ValueTask.CompletedTask;
            };
            foreach (var (name, rule) in rules)
            {
                options.AddPolicy(name, context => rule.PerIp <= 0
                    ? RateLimitPartition.GetNoLimiter("off")
                    : RateLimitPartition.GetFixedWindowLimiter("ip:" + ClientAddress(context), _ => Window(rule.PerIp, rule.Window)));
            }
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
                if (policy is null || !rules.TryGetValue(policy, out var rule) || rule.PerAccount <= 0
                    || AccountKey(context) is not { } account)
                {
                    return RateLimitPartition.GetNoLimiter("none");
                }
                // API keys: a bucket refilled evenly over the window, so a 429's Retry-After is when a request next
                // gets in (a fixed window's is the whole window, up to a minute too late for an integrator's retry).
                return policy == nameof(RateLimitOptions.Api)
                    ? RateLimitPartition.GetTokenBucketLimiter($"{policy}:{account}", _ => Bucket(rule.PerAccount, rule.Window))
                    : RateLimitPartition.GetFixedWindowLimiter($"{policy}:{account}", _ => Window(rule.PerAccount, rule.Window));
            });
        });
        return services;
    }

    /// <summary>
    /// Before the rate limiter: on the anonymous account forms, reads the (small, size-limited) form once so the email can
    /// key the per-account limit; model binding reuses the parsed form.
    /// </summary>
    public static WebApplication UseFraudRateLimiting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
            if (policy is not null && context.User.Identity?.IsAuthenticated != true && context.Request.HasFormContentType)
            {
                IFormCollection form;
                try
                {
                    form = await context.Request.ReadFormAsync(context.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    // Over the form's limits (a value over 64 KB encoded, too many fields) or malformed: a 400, as MVC answers it.
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
                catch (BadHttpRequestException ex)
                {
                    context.Response.StatusCode = ex.StatusCode;
                    return;
                }
                if (!HasOneEmail(context.Request.Query, form))
                {
                    // Binding could take another email than the one the limit counts (a second value, a prefixed name,
                    // the query string): refused, so the per-account limit cannot be stepped around.
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
                var email = form["Email"].ToString().Trim();
                // Hashed: the key stays in memory for the whole window, and a form value may be 64 KB (review: 300
                // sign-ins with long addresses kept 45 MB); normalized as accounts are found, so no spelling of one
                // address gets a limit of its own.
                if (email.Length > 0)
                {
                    context.Items[AccountKeyItem] = "email:" + Convert.ToHexStringLower(
                        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Services.Accounts.UnknownAddressKey.Normalize(email))));
                }
            }
            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// The email arrives only as one form field named Email: no second value, no other field whose name ends in "email"
    /// (model binding also reads "model.Email" and the query string), so the limit's key is the email binding uses.
    /// </summary>
    private static bool HasOneEmail(IQueryCollection query, IFormCollection form)
    {
        static bool IsEmailName(string name) => name.Equals("Email", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".Email", StringComparison.OrdinalIgnoreCase);
        if (query.Keys.Any(IsEmailName)) return false;
        foreach (var key in form.Keys.Where(IsEmailName))
        {
            if (!key.Equals("Email", StringComparison.OrdinalIgnoreCase) || form[key].Count > 1) return false;
        }
        return true;
    }

    /// <summary>Per API key for API calls (a holder's keys are limited separately), per user for pages, else the typed email.</summary>
    private static string? AccountKey(HttpContext context) =>
        context.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) is { } keyId ? "key:" + keyId
        : context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId ? "user:" + userId
        : context.Items[AccountKeyItem] as string;

    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>
    /// <paramref name="permits"/> a <paramref name="window"/> as a bucket of that many, refilled in steps of at least a
    /// second (1,200 a minute: 20 every second; 3 a minute: 1 every 20 seconds; 90 a minute: 2 every 1.33 seconds). The
    /// same sustained rate as a fixed window, without its double burst across a window's edge. The step is the time of a
    /// whole number of permits, so no rounding moves the rate (90 a minute was 2 a second, 120 a minute).
    /// </summary>
    public static TokenBucketRateLimiterOptions Bucket(int permits, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        // The fewest permits per step whose time is at least a second, and that time.
        var perStep = (int)Math.Max(1, (permits * TimeSpan.TicksPerSecond + window.Ticks - 1) / window.Ticks);
        var step = TimeSpan.FromTicks(window.Ticks * perStep / permits);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = permits,
            TokensPerPeriod = perStep,
            ReplenishmentPeriod = step,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
