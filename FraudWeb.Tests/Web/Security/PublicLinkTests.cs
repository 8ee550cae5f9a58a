using System.Net;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Security;

/// <summary>
/// Production-like: a public address other than the host the tests use (so a link shows where it came from), behind
/// one known TLS proxy.
/// </summary>
public sealed class PublicSiteFactory : FraudWebFactory
{
    public const string PublicHost = "fraud.example.test";
    public const string PublicBaseUrl = "https://" + PublicHost;
    public const string KnownProxy = "10.0.0.5";

    public PublicSiteFactory()
    {
        Settings["FraudWeb:PublicBaseUrl"] = PublicBaseUrl;
        Settings["FraudWeb:KnownProxies:0"] = KnownProxy;
        // "*" as in appsettings.json (any Host accepted before the fix); localhost is where the tests reach the app.
        Settings["AllowedHosts"] = "*;localhost";
    }
}

[CollectionDefinition(Name)]
public sealed class PublicSiteTestGroup : ICollectionFixture<PublicSiteFactory>
{
    public const string Name = "public-site";
}

/// <summary>Password-reset link poisoning: mailed links come from FraudWeb:PublicBaseUrl, never from the Host header.</summary>
[Collection(PublicSiteTestGroup.Name)]
public sealed class PublicLinkTests(PublicSiteFactory factory)
{
    [Fact]
    public async Task ForgotPassword_RegisteredEmail_MailedLinkUsesPublicBaseUrl()
    {
        // Arrange
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        await registered.SignOutAsync();

        // Act
        var response = await Html.SubmitAsync(registered.Client, "/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = registered.Email });

        // Assert
        Assert.Equal("/Account/ForgotPasswordConfirmation", Html.Location(response));
        var message = Mailbox.MessageTo(factory, registered.Email, "Reset your FraudWeb password");
        Assert.Contains($"href=\"{PublicSiteFactory.PublicBaseUrl}/Account/ResetPassword?", message, StringComparison.Ordinal);
        Assert.DoesNotContain("://localhost", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgotPassword_ForgedHostHeader_Refused400AndNothingMailed()
    {
        // Arrange
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        await registered.SignOutAsync();
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(registered.Client, "/Account/ForgotPassword"));
        registered.Client.DefaultRequestHeaders.Host = "evil.example";

        // Act
        var post = await registered.Client.PostAsync(new Uri("/Account/ForgotPassword", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = registered.Email, ["__RequestVerificationToken"] = token }));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.DoesNotContain(MailTo(registered.Email), m => m.Contains("evil.example", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/Account/Login", HttpStatusCode.BadRequest)]
    public async Task Get_InstanceAddressAsHost_OnlyTheHealthProbeAnswers(string path, HttpStatusCode expected)
    {
        // Arrange (operations review: orchestrators' and load balancers' probes send the instance's address as Host,
        // and /healthz answered them 400, so no instance was ever marked ready)
        using var client = factory.CreateBrowserClient();
        client.DefaultRequestHeaders.Host = "10.1.2.3:8080";

        // Act
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        // Assert
        Assert.Equal(expected, response.StatusCode);
    }

    private IReadOnlyList<string> MailTo(string email) => Mailbox.MessagesTo(factory, email);
}
