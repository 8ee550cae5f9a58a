using System.Diagnostics;
using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Transactions;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Cli;

/// <summary>
/// `bench-retrain --payments N`: N card holders submit payments back to back through the payment path the form uses
/// (a scope per payment, features from stored history, ML.NET score, TreeSHAP reasons, one database transaction),
/// first with nothing else running, then while a retraining runs in the same process; prints p50/p99 of each.
/// </summary>
internal static class PaymentLatencyProbe
{
    public static async Task<(Figures Quiet, Figures Retraining)> RunAsync(IServiceProvider services, int submitters, TimeSpan quiet, Func<Task> retrain)
    {
        long[] cards;
        long[] terminals;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            var year = DateTime.UtcNow.Year;
            cards = await db.Cards.Where(c => c.ExpiryYear > year).OrderBy(c => c.Id).Select(c => c.Id).Take(submitters).ToArrayAsync();
            terminals = await db.Terminals.OrderBy(t => t.Id).Select(t => t.Id).Take(200).ToArrayAsync();
        }
        if (cards.Length < submitters) throw new InvalidOperationException($"Only {cards.Length} usable cards for {submitters} submitters.");

        // Warm-up: JIT, the engine pool, SQLite's page cache.
        await Measure(services, cards, terminals, () => Task.Delay(TimeSpan.FromSeconds(3)));
        var quietFigures = await Measure(services, cards, terminals, () => Task.Delay(quiet));
        var retrainingFigures = await Measure(services, cards, terminals, retrain);
        return (quietFigures, retrainingFigures);
    }

    /// <summary>Submits payments from every card until <paramref name="during"/> completes.</summary>
    private static async Task<Figures> Measure(IServiceProvider services, long[] cards, long[] terminals, Func<Task> during)
    {
        using var stop = new CancellationTokenSource();
        var latencies = new List<double>[cards.Length];
        var clock = Stopwatch.StartNew();
        var workers = cards.Select((card, i) => Task.Run(async () =>
        {
            var own = latencies[i] = [];
            var random = new Random(i);
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
                var entity = await db.Cards.AsNoTracking().SingleAsync(c => c.Id == card);
                var terminalId = terminals[random.Next(terminals.Length)];
                // A refusal (over the limit) is still a full pass through the payment path.
                await scope.ServiceProvider.GetRequiredService<TransactionService>()
                    .SubmitAsync(entity, terminalId, Math.Round((decimal)(random.NextDouble() * 80 + 5), 2), CancellationToken.None);
                own.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })).ToArray();
        await during();
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Figures(all.Length, all.Length / elapsed.TotalSeconds, Percentile(all, 0.5), Percentile(all, 0.99), elapsed);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    internal sealed record Figures(int Payments, double PerSecond, double P50Ms, double P99Ms, TimeSpan Duration)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Payments} payments in {Duration.TotalSeconds:F1} s ({PerSecond:F0}/s), p50 {P50Ms:F1} ms, p99 {P99Ms:F1} ms");
    }
}
