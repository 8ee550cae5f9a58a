using System.Diagnostics.Metrics;
using Npgsql;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// Npgsql's pools as Npgsql counts them (meter "Npgsql", db.client.connection.count): connections rented (used) and
/// idle in the pool. pg_stat_activity cannot tell the two apart: a connection given back shows "idle" with its last
/// query, as a rented one whose holder has not gone on yet does.
/// </summary>
public static class NpgsqlPoolUsage
{
    /// <summary>The pool's counts now; null when Npgsql reported nothing for it (no such pool yet).</summary>
    /// <param name="poolName">The pool's name: its connection string (without a password), as the app's contexts have it.</param>
    public static (long Used, long Idle)? Of(string poolName) =>
        All().TryGetValue(poolName, out var counts) ? counts : null;

    /// <summary>Every pool of this process to <paramref name="database"/>, one line each, for a failure's message.</summary>
    public static string Describe(string database)
    {
        var lines = All().Where(p => new NpgsqlConnectionStringBuilder(p.Key).Database == database)
            .Select(p => $"{p.Value.Used} used, {p.Value.Idle} idle: {p.Key}").ToList();
        return "Npgsql pools:\n" + string.Join("\n", lines);
    }

    private static Dictionary<string, (long Used, long Idle)> All()
    {
        var pools = new Dictionary<string, (long Used, long Idle)>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.connection.count") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            string? pool = null, state = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "db.client.connection.pool.name") pool = tag.Value as string;
                else if (tag.Key == "db.client.connection.state") state = tag.Value as string;
            }
            if (pool is null) return;
            var counts = pools.GetValueOrDefault(pool);
            if (state == "used") counts.Used = value;
            else if (state == "idle") counts.Idle = value;
            pools[pool] = counts;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return pools;
    }
}
