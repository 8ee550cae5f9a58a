using System.Net;
using FraudWeb.Tests.Builders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>The app with low limits from configuration; each request comes from its own address unless a test fixes one.</summary>
public sealed class LowRateLimitFactory : FraudWebFactory
{
    public const string ClientIpHeader = "X-Test-Client-Ip";

    public LowRateLimitFactory()
    {
        Settings["RateLimits:SignIn:PerAccount"] = "2";
        Settings["RateLimits:Register:PerIp"] = "2";
        Settings["RateLimits:PasswordReset:PerAccount"] = "2";
        Settings["RateLimits:AddCard:PerAccount"] = "2";
        Settings["RateLimits:Payment:PerAccount"] = "1";
        foreach (var policy in new[] { "SignIn", "Register", "PasswordReset", "AddCard", "Payment" }) Settings[$"RateLimits:{policy}:Window"] = "01:00:00";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientIpFilter>());
    }

    /// <summary>Sets the connection's address from a test header, or a fresh one per request (TestServer has none).</summary>
    private sealed class ClientIpFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = context.Request.Headers.TryGetValue(ClientIpHeader, out var ip)
                    ? IPAddress.Parse(ip.ToString())
                    : new IPAddress(Random.Shared.NextInt64(0x0A000000, 0x0AFFFFFF));
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

public sealed class RateLimitingTests(LowRateLimitFactory factory) : IClassFixture<LowRateLimitFactory>
{
    private static async Task AssertThrottledAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta is { } delay && delay > TimeSpan.Zero, "Retry-After with a delay");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Too many attempts", page, StringComparison.Ordinal);
        // The page says how long, as Retry-After does (was "a few minutes" for an hour's limit too).
        var seconds = (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.Contains(seconds <= 60 ? "Please wait a minute, then try again." : $"Please wait {(seconds + 59) / 60} minutes, then try again.", page, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Login(string email) => new() { ["Email"] = email, ["Password"] = "Wrong-password-1" };

    [Fact]
    public async Task Login_SameEmailAboveAccountLimitFromManyAddresses_429WithRetryAfterAndFriendlyPage()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();
        var target = factory.NewEmail();
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await Html.SubmitAsync(client, "/Account/Login", Login(target))).StatusCode);

        // Act
        var throttled = await Html.SubmitAsync(client, "/Account/Login", Login(target.ToUpperInvariant()));
        var otherAccount = await Html.SubmitAsync(client, "/Account/Login", Login(factory.NewEmail()));

        // Assert
        await AssertThrottledAsync(throttled);
        Assert.Equal(HttpStatusCode.OK, otherAccount.StatusCode);
    }

    public static TheoryData<string, string, string> SecondEmails => new()
    {
        { "a second value", "", "Email" },
        { "a prefixed name", "", "model.Email" },
        { "the query string", "?Email=", "" },
    };

    [Theory]
    [MemberData(nameof(SecondEmails))]
    public async Task Login_EmailAlsoSentAnotherWay_400SoTheAccountLimitCannotBeSteppedAround(string kind, string query, string field)
    {
        // Arrange: the account's window is full
        using var client = factory.CreateBrowserClient();
        var target = factory.NewEmail();
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await Html.SubmitAsync(client, "/Account/Login", Login(target))).StatusCode);
        var fields = new List<KeyValuePair<string, string>> { new("Email", target), new("Password", "Wrong-password-1") };
        if (field.Length > 0) fields.Add(new(field, factory.NewEmail()));
        var url = "/Account/Login" + (query.Length > 0 ? query + Uri.EscapeDataString(factory.NewEmail()) : "");

        // Act
        var response = await Html.SubmitAsync(client, url, fields, formPage: "/Account/Login");

        // Assert
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{kind}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Register_SameAddressAboveIpLimit_429AndOtherAddressesStillRegister()
    {
        // Arrange
        using var sameIp = factory.CreateBrowserClient();
        sameIp.DefaultRequestHeaders.Add(LowRateLimitFactory.ClientIpHeader, "192.0.2.10");
        for (var i = 0; i < 2; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await Html.SubmitAsync(sameIp, "/Account/Register", new RegistrationBuilder(factory.NewEmail(), "").Build())).StatusCode);
        }

        // Act
        var throttled = await Html.SubmitAsync(sameIp, "/Account/Register", new RegistrationBuilder(factory.NewEmail(), FraudWebFactory.Password).Build());
        using var elsewhere = factory.CreateBrowserClient();
        var other = await Html.SubmitAsync(elsewhere, "/Account/Register", new RegistrationBuilder(factory.NewEmail(), FraudWebFactory.Password).Build());

        // Assert
        await AssertThrottledAsync(throttled);
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
    }

    [Fact]
    public async Task ForgotPassword_SameEmailAboveAccountLimit_429()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();
        var target = new Dictionary<string, string> { ["Email"] = factory.NewEmail() };
        for (var i = 0; i < 2; i++) Assert.NotEqual(HttpStatusCode.TooManyRequests, (await Html.SubmitAsync(client, "/Account/ForgotPassword", target)).StatusCode);

        // Act
        var throttled = await Html.SubmitAsync(client, "/Account/ForgotPassword", target);

        // Assert
        await AssertThrottledAsync(throttled);
    }

    [Fact]
    public async Task AddCard_SameHolderAboveAccountLimit_429AndNoCardAdded()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(new CardFormBuilder().WithNumber(TestCards.NewVisa()))).StatusCode);

        // Act
        var throttled = await holder.AddCardAsync(new CardFormBuilder().WithNumber(TestCards.NewVisa()));

        // Assert
        await AssertThrottledAsync(throttled);
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).FirstAsync());
        Assert.Equal(2, await factory.QueryAsync(db => db.Cards.CountAsync(c => db.CardHolders.Any(h => h.Id == c.CardHolderId && h.UserId == userId))));
    }
}
