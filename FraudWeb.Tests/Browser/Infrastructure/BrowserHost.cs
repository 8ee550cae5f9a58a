using System.Net;
using System.Net.Sockets;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser.Infrastructure;

/// <summary>
/// The app on a real Kestrel port (WebApplicationFactory.UseKestrel) and Debian's Chromium driven by Playwright.
/// Playwright never downloads a browser here: it launches /usr/bin/chromium.
/// </summary>
public sealed class BrowserHost : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public FraudWebFactory Factory { get; } = new();
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>artifacts/screenshots under the repository root.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FraudDetection.sln"))) directory = directory.Parent;
            var root = directory?.FullName ?? Directory.GetCurrentDirectory();
            var path = Path.Combine(root, "artifacts", "screenshots");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        Factory.UseKestrel(port);
        Factory.StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height } });
        // Generous: the build machine is shared, and a slow step is not a failure of the app.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Factory.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
