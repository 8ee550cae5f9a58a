using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using FraudWeb.Services.Models;
using FraudWeb.Services.Seeding;

namespace FraudWeb.Cli;

/// <summary>
/// `bench-retrain [--scale N] [--payments SUBMITTERS]`: seeds the demo database (N times more card holders and terminals) into a fresh temp
/// data directory, then times one retraining split into data loading, features + training, evaluation and promotion.
/// </summary>
public static class RetrainBench
{
    public const string Verb = "bench-retrain";

    internal static Command Command(FraudWebHost host, CliConsole console, Argument<string[]> configurationBeforeVerb)
    {
        var scale = CliOptions.Int("--scale", "Card holders and terminals, N times the demo database's (default 1).", 1, 100);
        var payments = CliOptions.Int("--payments", "Also time payments from this many card holders, alone and during one retraining.", 1, 64);
        var configuration = FraudWebCommandLine.ConfigurationArgument(anyKey: false);
        var command = new Command(Verb, "Seed a fresh temporary database, train the first model, then time one retraining step by step.")
        {
            scale, payments, configuration,
        };
        command.SetAction(parse => FraudWebCommandLine.GuardAsync(console.Error, async () =>
        {
            var settings = Settings(parse.GetValue(scale) ?? 1, out var dataDirectory);
            try
            {
                return await FraudWebCommandLine.OnHostAsync(host, parse, configurationBeforeVerb, configuration, settings,
                    services => RunAsync(services, dataDirectory, parse.GetValue(payments) ?? 0, console.Out));
            }
            finally
            {
                // Also after a failed start-up, which may already have written the keys there; the host is disposed by now.
                DeleteDataDirectory(dataDirectory);
            }
        }));
        return command;
    }

    /// <summary>Configuration for the benchmark's own app instance, in a fresh temp data directory (it wins over the switches).</summary>
    private static Dictionary<string, string?> Settings(int scale, out string dataDirectory)
    {
        dataDirectory = Path.Combine(Path.GetTempPath(), "fraudweb-bench-" + Guid.NewGuid().ToString("N")[..8]);
        return new Dictionary<string, string?>
        {
            ["FraudWeb:DataDirectory"] = dataDirectory,
            // Its own SQLite file in that directory, whatever database the installation is configured with: it seeds,
            // pays and promotes models there (review: with Database:ConnectionString set it did so in the real one).
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = "",
            ["Cards:FingerprintKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Models:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            // It serves no one: sends no mail with links and answers no request, yet the start-up check wants an address.
            ["FraudWeb:PublicBaseUrl"] = "https://localhost",
            // The benchmark pays as fast as it can from one address: no rate limits on its own throw-away instance.
            ["RateLimits:Payment:PerIp"] = "0",
            ["RateLimits:Payment:PerAccount"] = "0",
            ["Seed:CardHolders"] = (500 * scale).ToString(CultureInfo.InvariantCulture),
            ["Seed:Terminals"] = (1000 * scale).ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
    }

    private static void DeleteDataDirectory(string dataDirectory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the OS to clean up.
        }
    }

    /// <param name="dataDirectory">The instance's data directory, for the report; the caller deletes it.</param>
    /// <param name="submitters">Card holders submitting payments while a retraining runs (0: no payments).</param>
    public static async Task<int> RunAsync(IServiceProvider services, string dataDirectory, int submitters, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(stdout);
        var setup = Stopwatch.StartNew();
        // Seeds the history and trains the first model, as a first start does.
        await services.GetServices<IHostedService>().OfType<StartupInitializer>().Single().StartAsync(CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        var rows = scope.ServiceProvider.GetRequiredService<Data.FraudDbContext>().Transactions.Count();
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Seeded {rows} transactions and trained the first model in {setup.Elapsed.TotalSeconds:F1} s ({dataDirectory})."));

        if (submitters > 0)
        {
            // Payments first alone, then beside one retraining in this process (its own scope, as the worker's).
            var recorder = services.GetRequiredService<Services.Transactions.PaymentRecorder>();
            await recorder.StartAsync(CancellationToken.None);
            var (quiet, busy) = await PaymentLatencyProbe.RunAsync(services, submitters, TimeSpan.FromSeconds(10), async () =>
            {
                await using var trainScope = services.CreateAsyncScope();
                await trainScope.ServiceProvider.GetRequiredService<ModelRegistry>().TrainAsync("bench", null, CancellationToken.None);
            });
            await stdout.WriteLineAsync($"Payments, {submitters} submitters, nothing else running: {quiet}");
            await stdout.WriteLineAsync($"Payments, {submitters} submitters, during one retraining: {busy}");
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"p99 ratio during/quiet: {busy.P99Ms / quiet.P99Ms:F2}, p50 ratio: {busy.P50Ms / quiet.P50Ms:F2}"));
            await recorder.StopAsync(CancellationToken.None);
        }

        var total = Stopwatch.StartNew();
        var result = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().TrainAsync("bench", null, CancellationToken.None);
        var t = result.Timings;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Retraining {rows} transactions: data loading {t.DataLoading.TotalSeconds:F2} s, features {t.Features.TotalSeconds:F2} s, training {t.Training.TotalSeconds:F2} s, evaluation {t.Evaluation.TotalSeconds:F2} s, promotion {t.Promotion.TotalSeconds:F2} s, total {total.Elapsed.TotalSeconds:F2} s"));
        await stdout.WriteLineAsync($"Decision: {result.Outcome.Decision.Reason}");
        return 0;
    }
}
