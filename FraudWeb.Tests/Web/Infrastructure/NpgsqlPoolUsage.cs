using System.Diagnostics.Metrics;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// An Npgsql pool's connections as Npgsql counts them (meter "Npgsql", db.client.connection.count): rented (used) and
/// idle in the pool. pg_stat_activity cannot tell the two apart: a connection given back shows "idle" with its last
/// query, as a rented one waiting on its holder does.
/// </summary>
public static class NpgsqlPoolUsage
{
    /// <summary>The pool's counts now; null when Npgsql reported nothing for it (no such pool yet).</summary>
    /// <param name="poolName">The pool's name: its connection string (without a password), as the app's contexts have it.</param>
    public static (long Used, long Idle)? Of(string poolName)
    {
        long used = 0, idle = 0;
        var seen = false;
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
            if (pool != poolName) return;
            seen = true;
            if (state == "used") used = value;
            else if (state == "idle") idle = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return seen ? (used, idle) : null;
    }
}
