using FraudWeb.Cli;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Infrastructure.Health;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Infrastructure.Telemetry;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Rules;

// Before anything opens a SQLite connection: its process-wide settings are refused after.
SqliteProcessMode.Apply();

// One command line (FraudWeb --help): a verb, or without one the web app.
return await FraudWebCommandLine.InvokeAsync(args, new FraudWebHost(RunWebAppAsync, BuildHost), CliConsole.System);

static async Task<int> RunWebAppAsync(string[] args)
{
    if (BuildHostFor(args, new Dictionary<string, string?>(), webApp: true) is not WebApplication app) return 1;
    if (StartupChecks.ListenPortInUseError(app.Configuration) is { } portInUse)
    {
        Console.Error.WriteLine($"error: {portInUse}");
        return 1;
    }
    SqliteProcessMode.Report(app.Services, app.Logger);
    app.UseFraudWeb();
    try
    {
        await using var onlyInstance = SqliteInstanceLock.Acquire(app.Services);
        await app.RunAsync();
    }
    catch (Exception e) when (e is ConfigurationException or IOException or UnauthorizedAccessException or System.Data.Common.DbException or System.Net.Sockets.SocketException)
    {
        // What stops a start (another fingerprint key, a port in use, a database that cannot be reached, a data directory
        // that cannot be written) is one line to the operator and exit 1, not an unhandled exception; the log has the rest.
        Console.Error.WriteLine($"error: {(e is System.Data.Common.DbException ? "the database cannot be reached or used (Database:ConnectionString): " : "")}{e.Message}");
        return 1;
    }
    return 0;
}

// The host's composition, for the web app and for the verbs that use its services (create-admin, bench-retrain).
// A verb's settings come after the command line's; a bad setting is one line on stderr (null), not a stack trace.
static WebApplication? BuildHost(string[] args, IReadOnlyDictionary<string, string?> settings) => BuildHostFor(args, settings, webApp: false);

static WebApplication? BuildHostFor(string[] args, IReadOnlyDictionary<string, string?> settings, bool webApp)
{
    WebApplicationBuilder builder;
    args = ContentRoot.FromCurrentDirectory(args, Directory.GetCurrentDirectory());
    try
    {
        var contentRoot = ContentRoot.ForPublishedApp(args, Directory.GetCurrentDirectory(), AppContext.BaseDirectory, needsStaticFiles: webApp);
        builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        if (webApp && ContentRoot.ServesBuildStaticAssets(args, Directory.GetCurrentDirectory(), contentRoot)) builder.WebHost.UseStaticWebAssets();
    }
    catch (DirectoryNotFoundException e)
    {
        // The content root (--contentRoot, ASPNETCORE_CONTENTROOT) names a folder that is not there (a relative
        // --contentRoot is taken from the current folder; a relative ASPNETCORE_CONTENTROOT from FraudWeb.dll's).
        Console.Error.WriteLine($"error: the content root {e.Message.TrimEnd('/')} does not exist; give --contentRoot the path of the FraudWeb folder (the one with appsettings.json and Views).");
        return null;
    }
    if (settings.Count > 0) builder.Configuration.AddInMemoryCollection(settings);
    WebApplication app;
    try
    {
        builder.Services.AddFraudData(builder.Configuration);
        builder.Services.AddFraudIdentity();
        builder.Services.AddFraudScoring(builder.Configuration);
        builder.Services.AddFraudRetraining();
        builder.Services.AddFraudRules();
        builder.Services.AddFraudWeb();
        builder.Services.AddFraudAdministration();
        builder.Services.AddFraudHealthChecks();
        builder.Services.AddFraudRateLimiting();
        // Telemetry and the key encryption read settings while composing, so their errors surface here.
        builder.Services.AddFraudTelemetry(builder.Configuration);
        builder.Logging.AddFraudLogging(builder.Environment);
        builder.Services.AddFraudKeyEncryption(builder.Configuration);
        app = builder.Build();
    }
    catch (Exception e) when (e is ConfigurationException || StartupChecks.IsSettingError(e))
    {
        Console.Error.WriteLine($"error: {StartupChecks.SettingErrorMessage(e)}");
        return null;
    }
    if (StartupChecks.FirstConfigurationError(app.Services) is { } configurationError)
    {
        Console.Error.WriteLine($"error: {configurationError}");
        return null;
    }

    return app;
}

public partial class Program;
