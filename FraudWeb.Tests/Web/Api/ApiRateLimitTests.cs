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
        Settings["RateLimits:Api:Window"] = "00:01:00";
    }
}

public sealed class ApiRateLimitTests(ApiRateLimitFactory factory) : IClassFixture<ApiRateLimitFactory>
{
    [Theory]
    [InlineData(1200, 60, 20, 1)]
    [InlineData(3, 60, 1, 20)]
    [InlineData(10, 300, 1, 30)]
    [InlineData(100_000, 60, 1667, 1)]
    public void Bucket_PermitsPerWindow_RefilledEvenlyInStepsOfASecondOrMore(int permits, int windowSeconds, int perStep, int stepSeconds)
    {
        // Act
        var bucket = FraudWeb.Infrastructure.RateLimitingServiceCollectionExtensions.Bucket(permits, TimeSpan.FromSeconds(windowSeconds));

        // Assert: the whole window's permits at once at most, and the same sustained rate
        Assert.Equal(permits, bucket.TokenLimit);
        Assert.Equal(perStep, bucket.TokensPerPeriod);
        Assert.Equal(TimeSpan.FromSeconds(stepSeconds), bucket.ReplenishmentPeriod);
        Assert.InRange(bucket.TokensPerPeriod * windowSeconds / (double)stepSeconds, permits * 0.99, permits * 1.01);
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
        // 3 a minute: one request gets in every 20 seconds, and Retry-After says so (not the minute a fixed window would).
        Assert.InRange(int.Parse(limited.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture), 1, 20);
        Assert.Equal(HttpStatusCode.OK, other.Status);
    }
}
