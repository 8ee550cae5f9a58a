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

    public static bool Handles(string[] args) => args is not null && Array.IndexOf(args, Verb) >= 0;

    /// <summary>Configuration for the benchmark's own app instance; null (and a message) on a bad --scale.</summary>
    public static Dictionary<string, string?>? Settings(string[] args, TextWriter stderr, out string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        dataDirectory = Path.Combine(Path.GetTempPath(), "fraudweb-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var scale = 1;
        var at = Array.IndexOf(args, "--scale");
        if (at >= 0 && (at + 1 >= args.Length || !int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out scale) || scale is < 1 or > 100))
        {
            stderr.WriteLine($"Usage: {Verb} [--scale N] [--payments SUBMITTERS]   (N is a whole number from 1 to 100)");
            return null;
        }
        var payments = Array.IndexOf(args, "--payments");
        if (payments >= 0 && Submitters(args) < 1)
        {
            stderr.WriteLine($"Usage: {Verb} [--scale N] [--payments SUBMITTERS]   (SUBMITTERS is a whole number from 1 to 64)");
            return null;
        }
        return new Dictionary<string, string?>
        {
            ["FraudWeb:DataDirectory"] = dataDirectory,
            ["Cards:FingerprintKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Seed:CardHolders"] = (500 * scale).ToString(CultureInfo.InvariantCulture),
            ["Seed:Terminals"] = (1000 * scale).ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
    }

    /// <summary>--payments N: card holders submitting payments while a retraining runs (0 when not asked).</summary>
    private static int Submitters(string[] args)
    {
        var at = Array.IndexOf(args, "--payments");
        if (at < 0) return 0;
        return at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64 ? n : -1;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string dataDirectory, string[] args, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(stdout);
        try
        {
            var setup = Stopwatch.StartNew();
            // Seeds the history and trains the first model, as a first start does.
            await services.GetServices<IHostedService>().OfType<StartupInitializer>().Single().StartAsync(CancellationToken.None);
            await using var scope = services.CreateAsyncScope();
            var rows = scope.ServiceProvider.GetRequiredService<Data.FraudDbContext>().Transactions.Count();
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Seeded {rows} transactions and trained the first model in {setup.Elapsed.TotalSeconds:F1} s ({dataDirectory})."));

            var submitters = Submitters(args);
            if (submitters > 0)
            {
                // Payments first alone, then beside one retraining in this process (its own scope, as the worker's).
                var (quiet, busy) = await PaymentLatencyProbe.RunAsync(services, submitters, TimeSpan.FromSeconds(10), async () =>
                {
                    await using var trainScope = services.CreateAsyncScope();
                    await trainScope.ServiceProvider.GetRequiredService<ModelRegistry>().TrainAsync("bench", null, CancellationToken.None);
                });
                await stdout.WriteLineAsync($"Payments, {submitters} submitters, nothing else running: {quiet}");
                await stdout.WriteLineAsync($"Payments, {submitters} submitters, during one retraining: {busy}");
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"p99 ratio during/quiet: {busy.P99Ms / quiet.P99Ms:F2}, p50 ratio: {busy.P50Ms / quiet.P50Ms:F2}"));
            }

            var total = Stopwatch.StartNew();
            var result = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().TrainAsync("bench", null, CancellationToken.None);
            var t = result.Timings;
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Retraining {rows} transactions: data loading {t.DataLoading.TotalSeconds:F2} s, features {t.Features.TotalSeconds:F2} s, training {t.Training.TotalSeconds:F2} s, evaluation {t.Evaluation.TotalSeconds:F2} s, promotion {t.Promotion.TotalSeconds:F2} s, total {total.Elapsed.TotalSeconds:F2} s"));
            await stdout.WriteLineAsync($"Decision: {result.Outcome.Decision.Reason}");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean up.
            }
        }
    }
}
