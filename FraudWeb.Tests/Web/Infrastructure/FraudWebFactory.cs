using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// The app on a real SQLite file in a temporary data directory (or its own PostgreSQL database, see
/// <see cref="TestPostgres"/>), with a small seeded history and model, a test
/// fingerprint key and every log message captured. Environment "Testing": error pages as in production.
/// The app runs on <see cref="Clock"/> (a fixed weekday and hour, see <see cref="FixedStartTimeProvider"/>).
/// </summary>
public class FraudWebFactory : WebApplicationFactory<Program>
{
    public const string TestFingerprintKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // bytes 0..31
    public const string TestModelSigningKey = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="; // bytes 32..63
    public const string Password = "Quartz ledger violet 47 monsoon";
    public const int MaxFailedAccessAttempts = 3;
    public const int TestHashIterations = 1_000;

    private int _userCounter;
    private bool _ownsData = true;

    public FraudWebFactory()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "fraudweb-tests", Guid.NewGuid().ToString("N"));
        // The app's user's alone, as an operator should make it (the app warns about one others can read).
        Directory.CreateDirectory(Path.GetDirectoryName(DataDirectory)!);
        FraudWeb.Infrastructure.Options.FraudWebPaths.CreatePrivate(DataDirectory);
        if (TestPostgres.WebTestsOnPostgres)
        {
            PostgresDatabase = TestPostgres.CreateDatabase();
            Settings["Database:Provider"] = "Postgres";
            Settings["Database:ConnectionString"] = PostgresDatabase;
        }
    }

    /// <summary>The next start of <paramref name="previous"/>'s installation: its database, data directory, settings and time.</summary>
    private FraudWebFactory(FraudWebFactory previous)
    {
        DataDirectory = previous.DataDirectory;
        PostgresDatabase = previous.PostgresDatabase;
        Clock = new FixedStartTimeProvider(previous.Clock.GetUtcNow());
        foreach (var (key, value) in previous.Settings) Settings[key] = value;
    }

    /// <summary>
    /// Stops this app and starts another process's worth of it over the same database and data directory, with
    /// <paramref name="change"/> applied to its settings: a restart, or a redeploy with another configuration. Nothing
    /// of this app's memory (the serving model, caches) carries over. The returned factory owns the data from then on.
    /// </summary>
    public FraudWebFactory Restart(Action<Dictionary<string, string?>>? change = null)
    {
        var next = new FraudWebFactory(this);
        change?.Invoke(next.Settings);
        _ownsData = false;
        Dispose();
        return next;
    }

    /// <summary>The app's own PostgreSQL database when the suite runs on PostgreSQL (test.sh's second pass); else null.</summary>
    public string? PostgresDatabase { get; }

    public string DataDirectory { get; }
    public string DatabaseFile => Path.Combine(DataDirectory, "fraudweb.db");
    public string MailDirectory => Path.Combine(DataDirectory, "mail");
    public TestLogSink Logs { get; } = new(LogLevel.Warning);

    /// <summary>
    /// The app's TimeProvider. Tests compare the app's times with it and write times the app compares with its own
    /// "now" from it (<see cref="FixedStartTimeProvider.UtcNow"/>), never from DateTime.UtcNow.
    /// </summary>
    public FixedStartTimeProvider Clock { get; } = new();

    /// <summary>Settings on top of appsettings.json; subclasses and tests may add to them before the host starts.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        // Tests start several in-process hosts on one SQLite file on purpose (races, restarts); the lock has its own test.
        ["Database:InstanceLock"] = "false",
        ["Seed:CardHolders"] = "80",
        ["Seed:Terminals"] = "60",
        ["Seed:Days"] = "45",
        ["Seed:Trees"] = "40",
        ["Identity:Lockout:MaxFailedAccessAttempts"] = MaxFailedAccessAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cards:FingerprintKey"] = TestFingerprintKey,
        // Mail links point here; Host headers other than these are refused (the browser tests use 127.0.0.1).
        ["FraudWeb:PublicBaseUrl"] = "https://localhost",
        ["AllowedHosts"] = "localhost;127.0.0.1",
        ["Models:SigningKey"] = TestModelSigningKey,
        // The suite signs in, registers and pays far more often than a person: limits far above it (tests lower them).
        ["RateLimits:SignIn:PerIp"] = "100000",
        ["RateLimits:SignIn:PerAccount"] = "100000",
        ["RateLimits:Register:PerIp"] = "100000",
        ["RateLimits:PasswordReset:PerIp"] = "100000",
        ["RateLimits:PasswordReset:PerAccount"] = "100000",
        ["RateLimits:AddCard:PerIp"] = "100000",
        ["RateLimits:AddCard:PerAccount"] = "100000",
        ["RateLimits:Payment:PerIp"] = "100000",
        ["RateLimits:Payment:PerAccount"] = "100000",
        ["RateLimits:DataExport:PerIp"] = "100000",
        ["RateLimits:DataExport:PerAccount"] = "100000",
        ["RateLimits:CardLookup:PerAccount"] = "100000",
        // Framework logs in detail, for the tests that look for card numbers, keys or queries in them (TestLogSink keeps them
        // only while a test asks: KeepEverything).
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Information",
    };

    /// <summary>
    /// Whether this factory's first start may begin from a copy of an earlier start's database with the same type and
    /// settings (<see cref="DatabaseTemplates"/>). A test that watches the first start itself (migrating, seeding,
    /// training the first model, their logs) turns it off before the host starts.
    /// </summary>
    public bool StartFromTemplate { get; set; } = true;

    /// <summary>Set while this factory's start makes its kind's template (<see cref="DatabaseTemplates"/>).</summary>
    internal object? TemplateInTheMaking { get; set; }

    public string NewEmail() => $"user{Interlocked.Increment(ref _userCounter)}-{Guid.NewGuid().ToString("N")[..8]}@example.test";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        builder.UseSetting("FraudWeb:DataDirectory", DataDirectory);
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(Settings));
        builder.ConfigureTestServices(services =>
        {
            services.AddControllersWithViews().AddApplicationPart(typeof(TestFaultsController).Assembly);
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            // The same PBKDF2 hasher at a small work factor: at Identity's 100,000 iterations the suite's thousands of
            // registrations and sign-ins spent about a quarter of the test host's CPU in it. The app processes the
            // resilience, scale-out and command-line tests start keep the default.
            services.Configure<PasswordHasherOptions>(options => options.IterationCount = TestHashIterations);
            // Between the app's own start-up and its background services: the database as the start left it.
            var startup = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(FraudWeb.Services.Seeding.StartupInitializer));
            services.Insert(services.IndexOf(startup) + 1, ServiceDescriptor.Singleton<IHostedService>(new DatabaseTemplates.Snapshot(this)));
        });
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(new TestLoggerProvider(Logs));
            logging.SetMinimumLevel(LogLevel.Trace);
            // The sink above: the app's messages at every level, the frameworks' from warnings up (every level under
            // KeepEverything); the app's JSON console only warnings and errors: at Debug it wrote
            // ~500 MB per run into the test host's output and the trx files, a large share of the suite's CPU.
            logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        });
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        using var turn = DatabaseTemplates.Prepare(this);
        return base.CreateHost(builder);
    }

    /// <summary>Over https, as the Secure cookies outside Development are only sent back over TLS.</summary>
    public static Uri HttpsBaseAddress { get; } = new("https://localhost");

    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = HttpsBaseAddress });

    /// <summary>Runs a query against the app's database through a fresh scope.</summary>
    public async Task<T> QueryAsync<T>(Func<FraudDbContext, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<FraudDbContext>());
    }

    /// <summary>A stored model file (or chart data) by name, as every instance reads it; null when there is none.</summary>
    public Task<byte[]?> ModelArtifactAsync(string name) =>
        QueryAsync(db => db.ModelArtifacts.Where(a => a.Name == name).Select(a => a.Content).FirstOrDefaultAsync());

    /// <summary>Stores (or replaces) a model artifact through the app's own store.</summary>
    public async Task StoreModelArtifactAsync(string name, byte[] content)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FraudWeb.Services.Models.ModelArtifactStore>().SaveAsync(name, content, CancellationToken.None);
    }

    /// <summary>A transaction as stored now.</summary>
    public Task<CardTransaction> TransactionAsync(long id) =>
        QueryAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id));

    /// <summary>A card's balance as stored now.</summary>
    public Task<decimal> BalanceAsync(long cardId) =>
        QueryAsync(db => db.Cards.Where(c => c.Id == cardId).Select(c => c.Balance).SingleAsync());

    /// <summary>The one fraud report on a transaction (fails if there is none or more than one).</summary>
    public Task<FraudReport> ReportOfAsync(long transactionId) =>
        QueryAsync(db => db.FraudReports.AsNoTracking().SingleAsync(r => r.TransactionId == transactionId));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing || !_ownsData) return;
        SqliteConnection.ClearAllPools();
        if (PostgresDatabase is not null) TestPostgres.DropDatabase(PostgresDatabase);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class WebTestGroup : ICollectionFixture<FraudWebFactory>
{
    public const string Name = "web";
}
