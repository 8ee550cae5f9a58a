using FraudWeb.Infrastructure.Health;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace FraudWeb.Tests.Web.Telemetry;

public sealed class HealthTransitionsTests
{
    private static HealthReport Report(HealthStatus database) => new(
        new Dictionary<string, HealthReportEntry>
        {
            ["database"] = new(database, database == HealthStatus.Healthy ? null : "The database cannot be reached.", TimeSpan.Zero, null, null),
            ["serving-model"] = new(HealthStatus.Healthy, null, TimeSpan.Zero, null, null),
        },
        TimeSpan.Zero);

    [Fact]
    public void Observe_ProbesThroughAnOutage_OneWarningWithTheReasonAndOneLineAtRecovery()
    {
        // Arrange (operations review: every unhealthy probe was an error in the log, one every few seconds per prober)
        var sink = new TestLogSink();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(new TestLoggerProvider(sink)));
        var transitions = new HealthTransitions(factory.CreateLogger<HealthTransitions>());

        // Act
        transitions.Observe(Report(HealthStatus.Healthy));
        for (var probe = 0; probe < 10; probe++) transitions.Observe(Report(HealthStatus.Unhealthy));
        for (var probe = 0; probe < 3; probe++) transitions.Observe(Report(HealthStatus.Healthy));

        // Assert
        Assert.Collection(sink.Entries,
            warning => Assert.StartsWith("Warning FraudWeb.Infrastructure.Health.HealthTransitions: Health: Unhealthy (database: The database cannot be reached.)", warning, StringComparison.Ordinal),
            recovered => Assert.StartsWith("Information FraudWeb.Infrastructure.Health.HealthTransitions: Health: Healthy again (was Unhealthy)", recovered, StringComparison.Ordinal));
    }
}
