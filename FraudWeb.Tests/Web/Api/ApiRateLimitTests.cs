using System.Net;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Api;

/// <summary>An app whose API allows three requests per key per minute.</summary>
public sealed class ApiRateLimitFactory : FraudWebFactory
{
    public ApiRateLimitFactory()
    {
        Settings["Seed:Enabled"] = "false";
        Settings["Seed:TrainModel"] = "false";
        Settings["RateLimits:Api:PerAccount"] = "3";
        // An hour, not a minute: a token comes back every 20 minutes, so a slow machine's pause between the requests
        // cannot let a fourth in (flaky-test review: at a minute, a 20-second stall did).
        Settings["RateLimits:Api:Window"] = "01:00:00";
    }
}

public sealed class ApiRateLimitTests(ApiRateLimitFactory factory) : IClassFixture<ApiRateLimitFactory>
{
    [Theory]
    [InlineData(1200, 60, 20, 1000)]
    [InlineData(3, 60, 1, 20_000)]
    [InlineData(10, 300, 1, 30_000)]
    [InlineData(90, 60, 2, 1333)]
    [InlineData(100, 60, 2, 1200)]
    [InlineData(130, 60, 3, 1384)]
    [InlineData(100_000, 60, 1667, 1000)]
    public void Bucket_PermitsPerWindow_RefilledEvenlyInStepsOfASecondOrMore(int permits, int windowSeconds, int perStep, int stepMilliseconds)
    {
        // Act
        var bucket = FraudWeb.Infrastructure.RateLimitingServiceCollectionExtensions.Bucket(permits, TimeSpan.FromSeconds(windowSeconds));

        // Assert: the whole window's permits at once at most, steps of a second or more, and the configured sustained rate
        // (API review: 90 a minute was refilled as 2 a second, 120 a minute)
        Assert.Equal(permits, bucket.TokenLimit);
        Assert.Equal(perStep, bucket.TokensPerPeriod);
        Assert.Equal(stepMilliseconds, (int)bucket.ReplenishmentPeriod.TotalMilliseconds);
        Assert.True(bucket.ReplenishmentPeriod >= TimeSpan.FromSeconds(1));
        Assert.InRange(bucket.TokensPerPeriod * windowSeconds / bucket.ReplenishmentPeriod.TotalSeconds, permits * 0.9999, permits * 1.0001);
    }

    [Fact]
    public async Task Requests_OverThePerKeyLimit_429ProblemWithRetryAfterOtherKeysUnaffected()
    {
        // Arrange
        using var first = await CardHolderSession.RegisteredAsync(factory);
        using var second = await CardHolderSession.RegisteredAsync(factory);
        using var busy = factory.ApiClient(await first.CreateKeyAsync(ApiScopes.PaymentsRead));
        using var quiet = factory.ApiClient(await second.CreateKeyAsync(ApiScopes.PaymentsRead));

        // Act
        var allowed = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) allowed.Add((await busy.GetAsync(factory, "/api/v1/payments")).Status);
        var limited = await busy.GetAsync(factory, "/api/v1/payments");
        var other = await quiet.GetAsync(factory, "/api/v1/payments");

        // Assert
        Assert.All(allowed, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("/api/problems/rate-limited", limited.Json.GetProperty("type").GetString());
        Assert.Equal(FraudWeb.Api.ApiProblems.RateLimited.Description, limited.Json.GetProperty("detail").GetString());
        // 3 an hour: one request gets in every 20 minutes, and Retry-After says so (not the hour a fixed window would).
        Assert.InRange(int.Parse(limited.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture), 1, 1200);
        Assert.Equal(HttpStatusCode.OK, other.Status);
    }
}

/// <summary>An app that answers 429 after three API keys that do not work from one address a minute.</summary>
public sealed class ApiKeyFailureFactory : FraudWebFactory
{
    public ApiKeyFailureFactory()
    {
        Settings["Seed:Enabled"] = "false";
        Settings["Seed:TrainModel"] = "false";
        Settings["RateLimits:ApiKeyFailures:PerIp"] = "3";
        Settings["RateLimits:ApiKeyFailures:Window"] = "01:00:00";
    }
}

public sealed class ApiKeyFailureTests(ApiKeyFailureFactory factory) : IClassFixture<ApiKeyFailureFactory>
{
    [Fact]
    public async Task Requests_KeysThatDoNotWorkPastTheLimit_MadeUpKeys429KeysThatExistStillChecked()
    {
        // Arrange (review: a 401 came before the rate limiter, so keys could be tried without any limit; the session's
        // own review: answering from the key cache only past the limit let anyone cut off every integration behind the
        // same address): one key in use from this address, and one never used yet.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        using var inUse = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsRead));
        using var unused = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsRead));
        Assert.Equal(HttpStatusCode.OK, (await inUse.GetAsync(factory, "/api/v1/payments")).Status);
        using var guesser = factory.ApiClient("fwk_abcdefgh_" + new string('A', 43));

        // Act
        var failed = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) failed.Add((await guesser.GetAsync(factory, "/api/v1/payments")).Status);
        var limited = await guesser.GetAsync(factory, "/api/v1/payments");
        var stillWorking = await inUse.GetAsync(factory, "/api/v1/payments");
        var firstUse = await unused.GetAsync(factory, "/api/v1/payments");

        // Assert
        Assert.All(failed, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("/api/problems/rate-limited", limited.Json.GetProperty("type").GetString());
        Assert.Equal(FraudWeb.Api.ApiKeyAuthenticationHandler.TooManyFailures, limited.Json.GetProperty("detail").GetString());
        Assert.InRange(int.Parse(limited.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
        Assert.Equal(HttpStatusCode.OK, stillWorking.Status);
        Assert.Equal(HttpStatusCode.OK, firstUse.Status);
    }

}
