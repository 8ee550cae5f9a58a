using System.Net;
using System.Text;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Security;

/// <summary>
/// Requests as a TLS-terminating proxy forwards them (plain HTTP with X-Forwarded-Proto: https): trusted only from
/// FraudWeb:KnownProxies; then cookies are Secure "__Host-" cookies and HSTS is sent.
/// </summary>
[Collection(PublicSiteTestGroup.Name)]
public sealed class ForwardedHeadersTests(PublicSiteFactory factory)
{
    private const string UnknownProxy = "192.0.2.7";

    [Fact]
    public async Task Request_HttpsFromKnownProxy_SecureHostCookiesHstsAndSecurityHeaders()
    {
        // Act
        var login = await SendAsync(PublicSiteFactory.KnownProxy, "GET", "/Account/Login");
        var signIn = await SignInAsync(login);
        var protectedPage = await SendAsync(PublicSiteFactory.KnownProxy, "GET", "/Profile");

        // Assert
        Assert.Equal(StatusCodes.Status200OK, login.Response.StatusCode);
        Assert.Contains("max-age=", login.Response.Headers.StrictTransportSecurity.ToString(), StringComparison.Ordinal);
        Assert.Equal("nosniff", login.Response.Headers.XContentTypeOptions.ToString());
        Assert.False(string.IsNullOrEmpty(login.Response.Headers.ContentSecurityPolicy));
        var antiforgery = Assert.Single(login.Response.Headers.SetCookie, c => c!.Contains("fraudweb.af", StringComparison.Ordinal));
        AssertSecureHostCookie("__Host-fraudweb.af", antiforgery!);
        Assert.Equal(StatusCodes.Status302Found, signIn.Response.StatusCode);
        var auth = Assert.Single(signIn.Response.Headers.SetCookie, c => c!.Contains("fraudweb.auth", StringComparison.Ordinal));
        AssertSecureHostCookie("__Host-fraudweb.auth", auth!);
        Assert.StartsWith(PublicSiteFactory.PublicBaseUrl + "/Account/Login", protectedPage.Response.Headers.Location.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_HttpsFromUnknownProxy_ForwardedHeaderIgnoredAndSentToPublicAddress()
    {
        // Act
        var page = await SendAsync(UnknownProxy, "GET", "/Account/Login");

        // Assert: still plain HTTP to the app, so no HSTS, and the page is only served at the public https address.
        Assert.Equal(StatusCodes.Status307TemporaryRedirect, page.Response.StatusCode);
        Assert.Equal(PublicSiteFactory.PublicBaseUrl + "/Account/Login", page.Response.Headers.Location.ToString());
        Assert.True(string.IsNullOrEmpty(page.Response.Headers.StrictTransportSecurity));
    }

    [Fact]
    public async Task Post_PlainHttpFromUnknownProxy_400NamingHttps()
    {
        // Act
        var post = await SendAsync(UnknownProxy, "POST", "/Account/Login", c =>
        {
            c.Request.ContentType = "application/x-www-form-urlencoded";
            c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("Email=a%40example.test&Password=x"));
        });

        // Assert
        Assert.Equal(StatusCodes.Status400BadRequest, post.Response.StatusCode);
        using var reader = new StreamReader(post.Response.Body);
        Assert.Contains("HTTPS", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_PlainHttpWithACardNumberInTheQuery_NumberNeverRepeatedInTheRedirect()
    {
        // Act (operator test: the TLS redirect came first and sent the number back whole in its Location)
        var page = await SendAsync(UnknownProxy, "GET", "/Account/Login", c => c.Request.QueryString = new QueryString("?q=4111111111111111"));

        // Assert
        var location = page.Response.Headers.Location.ToString();
        Assert.NotEmpty(location);
        Assert.DoesNotContain("4111111111111111", location, StringComparison.Ordinal);
        Assert.Contains("q=1111", location, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/v1/cards")]
    [InlineData("POST", "/api/v1/predict")]
    public async Task Api_PlainHttp_403ProblemNamingHttpsNotARedirect(string method, string path)
    {
        // Act (API test: a read was redirected, which a client follows without noticing its key went in clear, and a
        // write was told in plain text about "forms")
        var response = await SendAsync(UnknownProxy, method, path, c =>
        {
            c.Request.Headers.Authorization = "Bearer fwk_not-checked";
            if (method == "POST")
            {
                c.Request.ContentType = "application/json";
                c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("{}"));
            }
        });

        // Assert
        Assert.Equal(StatusCodes.Status403Forbidden, response.Response.StatusCode);
        Assert.True(string.IsNullOrEmpty(response.Response.Headers.Location));
        Assert.StartsWith("application/problem+json", response.Response.ContentType, StringComparison.Ordinal);
        using var reader = new StreamReader(response.Response.Body);
        var problem = System.Text.Json.JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement;
        Assert.Equal("/api/problems/https-required", problem.GetProperty("type").GetString());
        Assert.Contains(PublicSiteFactory.PublicBaseUrl + path, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_PlainHttpFromOutside_404AsAPageThatDoesNotExistNotARedirect()
    {
        // Act (operator test: its 404 page was redirected to https://.../Error/404, telling /metrics apart)
        var metrics = await SendAsync(UnknownProxy, "GET", "/metrics", c => c.Request.Headers.Remove("X-Forwarded-Proto"));

        // Assert
        Assert.True(metrics.Response.StatusCode == StatusCodes.Status404NotFound, $"{metrics.Response.StatusCode} {metrics.Response.Headers.Location}");
        Assert.True(string.IsNullOrEmpty(metrics.Response.Headers.Location));
    }

    [Fact]
    public async Task Health_PlainHttp_Answers()
    {
        // Act: load balancers probe over plain HTTP.
        var health = await SendAsync(UnknownProxy, "GET", "/healthz");

        // Assert
        Assert.Equal(StatusCodes.Status200OK, health.Response.StatusCode);
    }

    private static void AssertSecureHostCookie(string name, string setCookie)
    {
        Assert.StartsWith(name + "=", setCookie, StringComparison.Ordinal);
        var attributes = setCookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).ToList();
        Assert.Contains("secure", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("path=/", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Signs a new staff-less account in through the login form, with the login page's antiforgery cookie and token.</summary>
    private async Task<HttpContext> SignInAsync(HttpContext loginPage)
    {
        var email = factory.NewEmail();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.CreateAsync(new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true }, FraudWebFactory.Password)).Succeeded);
        }
        using var reader = new StreamReader(loginPage.Response.Body);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await reader.ReadToEndAsync());
        var token = Html.AntiforgeryToken(page);
        var cookie = loginPage.Response.Headers.SetCookie.ToString().Split(';')[0];
        var form = $"Email={WebUtility.UrlEncode(email)}&Password={WebUtility.UrlEncode(FraudWebFactory.Password)}&__RequestVerificationToken={WebUtility.UrlEncode(token)}";
        return await SendAsync(PublicSiteFactory.KnownProxy, "POST", "/Account/Login", c =>
        {
            c.Request.Headers.Cookie = cookie;
            c.Request.ContentType = "application/x-www-form-urlencoded";
            c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(form));
        });
    }

    private Task<HttpContext> SendAsync(string remoteAddress, string method, string path, Action<HttpContext>? more = null) =>
        factory.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
            c.Request.Method = method;
            c.Request.Scheme = "http";
            c.Request.Host = new HostString(PublicSiteFactory.PublicHost);
            c.Request.Path = path;
            c.Request.Headers["X-Forwarded-Proto"] = "https";
            more?.Invoke(c);
        });
}
