using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser.Infrastructure;

/// <summary>
/// The app on a real Kestrel port over TLS (WebApplicationFactory.UseKestrel, a throwaway self-signed certificate, as
/// the "__Host-" cookies outside Development are Secure) and Debian's Chromium driven by Playwright.
/// Playwright never downloads a browser here: <see cref="ChromiumLauncher"/> starts Debian's Chromium.
/// </summary>
public class BrowserHost : IAsyncLifetime
{
    private ChromiumLauncher? _chromium;

    public BrowserHost()
        : this(new FraudWebFactory())
    {
    }

    /// <summary>For hosts whose app is configured differently (e.g. a serving model the test controls).</summary>
    protected BrowserHost(FraudWebFactory factory) => Factory = factory;

    public FraudWebFactory Factory { get; }
    public Uri BaseAddress { get; private set; } = new("https://127.0.0.1/");
    public IBrowser Browser => _chromium?.Browser ?? throw new InvalidOperationException("The browser host is not started.");

    /// <summary>artifacts/screenshots under the repository root.</summary>
    public static string ScreenshotDirectory => Path.GetDirectoryName(ChromiumLauncher.ScreenshotPath("probe"))!;

    public async Task InitializeAsync()
    {
        // Port 0: Kestrel binds a free port itself and says which (no window between choosing a port and binding it,
        // in which another of the hosts started in parallel could take it). Mail links carry no port, and the tests
        // follow them by path (Mailbox.LinkTo); 127.0.0.1 is an allowed host on any port.
        Factory.Settings["FraudWeb:PublicBaseUrl"] = "https://127.0.0.1/";
        var certificate = SelfSignedCertificate();
        Factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        Factory.StartServer();
        BaseAddress = new Uri($"https://127.0.0.1:{BoundPort(Factory.Services)}/");
        _chromium = await ChromiumLauncher.LaunchAsync();
    }

    /// <summary>
    /// A page in a new browser context; <paramref name="locale"/> sets the browser's language (Accept-Language, number
    /// formats), <paramref name="timeZone"/> its clock's zone (an IANA name).
    /// </summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, string? locale = null, string? timeZone = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
            TimezoneId = timeZone,
        });
        // Generous: the build machine is shared, and a slow step is not a failure of the app.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null) await _chromium.DisposeAsync();
        await Factory.DisposeAsync();
    }

    internal static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel needs the private key in a form it can use on Linux: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The port Kestrel bound (the address it reports once started, e.g. "https://127.0.0.1:41234").</summary>
    internal static int BoundPort(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var https = addresses.Select(a => new Uri(a)).FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttps)
            ?? throw new InvalidOperationException($"Kestrel reports no https address: {string.Join(", ", addresses)}");
        return https.Port;
    }
}
