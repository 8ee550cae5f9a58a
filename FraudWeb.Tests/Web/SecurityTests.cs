using System.Net;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web;

[Collection(WebTestGroup.Name)]
public sealed class SecurityTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Welcome_Anonymous_IsPublicWithSignInAndRegisterLinks()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.NotNull(page.QuerySelector("a[href='/Account/Login']"));
        Assert.NotNull(page.QuerySelector("a[href='/Account/Register']"));
    }

    [Theory]
    [InlineData("/Profile")]
    [InlineData("/Profile/Edit")]
    [InlineData("/Profile/ChartData")]
    [InlineData("/Cards/Add")]
    [InlineData("/Cards/Details/1")]
    [InlineData("/Transactions/New")]
    [InlineData("/Transactions/Details/1")]
    [InlineData("/Account/ChangePassword")]
    [InlineData("/Account/ChangeEmail")]
    [InlineData("/Account/Settings")]
    [InlineData("/Account/ConfirmEmailChange?token=x")]
    public async Task ProtectedPage_Anonymous_RedirectsToLogin(string url)
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://localhost/Account/Login?ReturnUrl=", Html.Location(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/Account/Register")]
    [InlineData("/Account/ForgotPassword")]
    [InlineData("/Account/ResetPassword?token=x")]
    [InlineData("/lib/bootstrap/dist/css/bootstrap.min.css")]
    [InlineData("/js/profile-chart.js")]
    public async Task PublicPage_Anonymous_IsServed(string url)
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_Returns400Page()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.Client.PostAsync(new Uri("/Cards/Add", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["CardNumber"] = Builders.TestCards.NewVisa(),
            ["CardholderName"] = "X",
            ["ExpiryMonth"] = "1",
            ["ExpiryYear"] = "2035",
            ["CreditLimit"] = "500",
        }));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("We couldn't understand that request", page.QuerySelector("h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task Post_WithAnotherSessionsToken_Returns400()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        using var other = CardHolderSession.Anonymous(factory);
        var foreignToken = Html.AntiforgeryToken(await Html.GetPageAsync(other.Client, "/Account/Login"));

        // Act
        var response = await holder.Client.PostAsync(new Uri("/Account/ChangePassword", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["CurrentPassword"] = FraudWebFactory.Password,
            ["NewPassword"] = "Hijacked cobalt 1 marsh",
            ["ConfirmPassword"] = "Hijacked cobalt 1 marsh",
            ["__RequestVerificationToken"] = foreignToken,
        }));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_OversizedFormValue_Returns400Page()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(session.Client, "/Account/Login"));

        // Act
        var response = await session.Client.PostAsync(new Uri("/Account/Login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = new string('a', 100_000) + "@example.test",
            ["Password"] = "x",
            ["__RequestVerificationToken"] = token,
        }));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("We couldn&#x27;t understand that request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Transactions/New")]
    [InlineData("/Cards/Add")]
    [InlineData("/Profile/Edit")]
    public async Task Post_SignedInFormKeyOverTheLimit_Returns400Page(string url)
    {
        // Arrange: a field name longer than the form's key limit (found by the form fuzzer)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(holder.Client, url));

        // Act
        var response = await holder.Client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [new string('A', 5_000)] = "1",
            ["__RequestVerificationToken"] = token,
        }));

        // Assert
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest,
            $"{(int)response.StatusCode}: {string.Join(Environment.NewLine, factory.Logs.Entries.Where(e => e.Contains("Exception", StringComparison.Ordinal)).TakeLast(2))}");
    }

    [Fact]
    public async Task Post_MalformedMultipartBody_Returns400Page()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);
        using var content = new StringContent("--broken\r\nnot a part", System.Text.Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=broken");

        // Act
        var response = await session.Client.PostAsync(new Uri("/Account/Login", UriKind.Relative), content);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Profile/ChartData")]
    [InlineData("/Transactions/Merchants?search=a")]
    public async Task Get_CardHoldersJson_NotStoredByTheBrowser(string url)
    {
        // Arrange: the spending chart and the holder's recent merchants (the pages get no-store from their forms)
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.Client.GetAsync(new Uri(url, UriKind.Relative));

        // Assert: ASVS 8.2.1, nothing of theirs left in a shared computer's cache after signing out
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"{url}: Cache-Control {response.Headers.CacheControl}");
    }

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/Account/ForgotPassword")]
    public async Task Post_FormInACharsetThatCannotBeRead_Returns400Page(string url)
    {
        // Arrange: UTF-7, which .NET refuses to decode (a 500 and an error logged for anyone who sent it)
        using var session = CardHolderSession.Anonymous(factory);
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(session.Client, url));
        using var content = new StringContent("Email=someone%40example.test&Password=x&__RequestVerificationToken=" + Uri.EscapeDataString(token));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-7");

        // Act
        var response = await session.Client.PostAsync(new Uri(url, UriKind.Relative), content);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("We couldn&#x27;t understand that request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-5")]
    [InlineData("101")]
    [InlineData("302")]
    [InlineData("2147483647")]
    public async Task Error_AskedForWithANonErrorStatus_404(string code)
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        var response = await client.GetAsync(new Uri("/Error/" + code, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task UnhandledError_OutsideDevelopment_ShowsFriendlyPageWithoutStackTrace()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        var response = await client.GetAsync(new Uri("/test-faults/throw", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.DoesNotContain(TestFaultsController.SecretDetail, html, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", html.Replace("at least", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPage_SignedIn_Shows404Page()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.Client.GetAsync(new Uri("/no/such/page", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Page not found", (await Html.ParseAsync(response)).QuerySelector("h1")!.TextContent.Trim());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/no/such/page")]
    [InlineData("/Account/Login")]
    public async Task AnyResponse_AnyPage_HasSecurityHeaders(string url)
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        // Assert: every directive as it must be (tests review: "contains script-src 'self'" let "script-src 'self' *" by)
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("camera=(), microphone=(), geolocation=()", response.Headers.GetValues("Permissions-Policy").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single().Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d[(d.IndexOf(' ', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);
        Assert.Equal(new Dictionary<string, string>
        {
            ["default-src"] = "'self'", ["script-src"] = "'self'", ["style-src"] = "'self'", ["img-src"] = "'self' data:", ["font-src"] = "'self'",
            ["connect-src"] = "'self'", ["object-src"] = "'none'", ["base-uri"] = "'self'", ["form-action"] = "'self'", ["frame-ancestors"] = "'none'",
        }, policy);
    }

    [Fact]
    public async Task Pages_EveryLayout_OnlyVendoredScriptsAndNoInlineScript()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");

        // Assert
        var scripts = profile.QuerySelectorAll("script").ToList();
        Assert.Contains(scripts, s => s.GetAttribute("src") == "/lib/chart.js/dist/chart.umd.js");
        Assert.All(scripts, s => Assert.StartsWith("/", s.GetAttribute("src") ?? "inline", StringComparison.Ordinal));
        Assert.Empty(profile.QuerySelectorAll("[style]"));
    }
}
