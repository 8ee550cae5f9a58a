using System.Threading.RateLimiting;
using FraudWeb.Infrastructure.Options;
using Microsoft.Extensions.Options;

namespace FraudWeb.Api;

/// <summary>
/// API keys that did not work, counted per client address (<see cref="RateLimitOptions.ApiKeyFailures"/>). The API's
/// own limit runs after authentication, so a request whose key fails (a 401) never reached it: anyone could try keys
/// without limit, each try a hash and a query. Past the limit, an address's keys are checked against the recently
/// checked ones only, and a key not among them answers 429 until the window ends.
/// </summary>
public sealed class ApiKeyFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _failures;

    public ApiKeyFailureLimiter(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rule = options.Value.ApiKeyFailures;
        if (rule.PerIp <= 0) return;
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = rule.PerIp,
            Window = rule.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Null while the address may still send keys that fail; otherwise how long until it may again.</summary>
    public TimeSpan? Exhausted(string address)
    {
        if (_failures is null) return null;
        // Asking for no permit only tells whether one is left.
        using var lease = _failures.AttemptAcquire(address, 0);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    /// <summary>Counts a key that did not work.</summary>
    public void Failed(string address)
    {
        if (_failures is null) return;
        using var _ = _failures.AttemptAcquire(address, 1);
    }

    public void Dispose() => _failures?.Dispose();
}
