using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace FraudWeb.Tests.Web.Security;

/// <summary>The public address every mailed link is built from, checked at start-up.</summary>
public sealed class PublicSiteTests
{
    private static PublicSite Site(string? baseUrl, string environment = "Production") =>
        new(Microsoft.Extensions.Options.Options.Create(new PublicSiteOptions { PublicBaseUrl = baseUrl }), new HostingEnvironment { EnvironmentName = environment });

    [Theory]
    [InlineData("https://fraud.example.com", "https://fraud.example.com/Account/ResetPassword?email=a")]
    [InlineData("https://fraud.example.com/", "https://fraud.example.com/Account/ResetPassword?email=a")]
    [InlineData(" https://fraud.example.com:8443 ", "https://fraud.example.com:8443/Account/ResetPassword?email=a")]
    public void Link_ValidAddress_LinkOnItsHost(string baseUrl, string expected)
    {
        // Act
        var link = Site(baseUrl).Link("/Account/ResetPassword?email=a");

        // Assert
        Assert.Equal(expected, link);
    }

    [Theory]
    [InlineData("https://fraud.example.com/fraud", "has a path")]
    [InlineData("https://fraud.example.com/fraud/", "has a path")]
    [InlineData("http://fraud.example.com", "is not valid")]
    [InlineData("https://fraud.example.com/?a=1", "is not valid")]
    [InlineData("fraud.example.com", "is not valid")]
    [InlineData("", "is not set")]
    public void Constructor_BadAddress_StartUpErrorNamingTheSetting(string baseUrl, string says)
    {
        // Act
        var error = Assert.Throws<ConfigurationException>(() => Site(baseUrl));

        // Assert
        Assert.Contains("FraudWeb:PublicBaseUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NotSetInDevelopment_TheDevelopmentAddress()
    {
        // Act
        var site = Site(null, Environments.Development);

        // Assert
        Assert.Equal(new Uri(PublicSiteOptions.DevelopmentBaseUrl + "/"), site.BaseUrl);
    }
}
