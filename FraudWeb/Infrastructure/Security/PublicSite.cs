using System.Net;
using FraudWeb.Infrastructure.Options;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// The site's public address (links in mail, allowed Host headers) and the trusted TLS proxies (forwarded headers).
/// Checked at start-up: a bad value throws <see cref="ConfigurationException"/> naming the setting.
/// </summary>
public sealed class PublicSite
{
    private const string BaseUrlSetting = "FraudWeb:PublicBaseUrl";

    public PublicSite(IOptions<PublicSiteOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var configured = options.Value.PublicBaseUrl;
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (!environment.IsDevelopment())
            {
                throw new ConfigurationException($"{BaseUrlSetting} is not set; set it to the site's public address, e.g. FraudWeb__PublicBaseUrl=https://fraud.example.com");
            }
            configured = PublicSiteOptions.DevelopmentBaseUrl;
        }
        if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && !(environment.IsDevelopment() && uri.Scheme == Uri.UriSchemeHttp))
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ConfigurationException($"{BaseUrlSetting} '{configured}' is not valid; set it to an absolute https URL without query, e.g. https://fraud.example.com");
        }
        // Pages link from the root of their host (no path base is configured), so a mailed link under a path would
        // open one page and then lose the path on every link from it.
        if (uri.AbsolutePath.Trim('/').Length > 0)
        {
            throw new ConfigurationException($"{BaseUrlSetting} '{configured}' has a path; FraudWeb is served at the root of its host: set it to the host's address, e.g. https://fraud.example.com");
        }
        BaseUrl = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        KnownProxies = NetworkSetting.Parse("FraudWeb:KnownProxies", options.Value.KnownProxies);
    }

    /// <summary>Always ends with a slash.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Empty: ASP.NET Core's default (loopback only).</summary>
    public IReadOnlyList<IPNetwork> KnownProxies { get; }

    /// <summary>An app-relative path ("/Account/ResetPassword?...", from Url.Action) on the public address.</summary>
    public string Link(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return new Uri(BaseUrl, relativePath.TrimStart('/')).AbsoluteUri;
    }
}
