using System.Runtime.CompilerServices;

namespace FraudWeb.Tests;

/// <summary>
/// The test process hosts dozens of apps at once (every factory's requests, background services and first model
/// training) and the tests' own waits for the processes they start, on one thread pool that starts sized for one app
/// on two cores. Starved, it left requests' continuations queued for 15 s while they held pooled PostgreSQL
/// connections, and the next payments found the pool empty (CI, 2026-12-04: pg_stat_activity showed the connections
/// idle after their reads). Workers are made at once up to this many; the apps' own code is unchanged.
/// </summary>
internal static class ThreadPoolInitializer
{
    private const int MinimumWorkers = 64;

#pragma warning disable CA2255 // Process-wide and before any test: the pool's floor for everything this process hosts.
    [ModuleInitializer]
    internal static void Apply()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, MinimumWorkers), Math.Max(completionPorts, MinimumWorkers));
    }
#pragma warning restore CA2255
}
