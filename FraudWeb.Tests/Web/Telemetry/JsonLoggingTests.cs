using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FraudWeb.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FraudWeb.Tests.Web.Telemetry;

/// <summary>The console log format the app configures, written through the formatter and scopes the app would use.</summary>
public sealed class JsonLoggingTests
{
    [Fact]
    public void AddFraudLogging_Production_JsonLineWithTraceAndSpanIdsAndUtcTime()
    {
        // Arrange
        using var services = Logging(Environments.Production, out var scopes);
        var formatter = services.GetServices<ConsoleFormatter>().Single(f => f.Name == services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        using var activity = new Activity("payment").Start();
        using var writer = new StringWriter();

        // Act
        formatter.Write(new LogEntry<string>(LogLevel.Information, "FraudWeb.Test", new EventId(1), "Scored a payment", null, (s, _) => s), scopes.Provider, writer);

        // Assert: one line of JSON, whose scopes name the trace and span.
        var line = writer.ToString().TrimEnd('\r', '\n');
        Assert.DoesNotContain('\n', line);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("Scored a payment", root.GetProperty("Message").GetString());
        var scope = Assert.Single(root.GetProperty("Scopes").EnumerateArray(), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out _));
        Assert.Equal(activity.TraceId.ToHexString(), scope.GetProperty("TraceId").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), scope.GetProperty("SpanId").GetString());
        var timestamp = root.GetProperty("Timestamp").GetString()!;
        Assert.EndsWith("Z", timestamp, StringComparison.Ordinal);
        var written = DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(DateTimeOffset.UtcNow - written, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void AddFraudLogging_Production_CardNumbersInTheRequestPathMessageAndStateMasked()
    {
        // Arrange (privacy test: the host's request scope wrote /api/v1/cards/4111111111111111 whole, for anyone without an account)
        using var services = Logging(Environments.Production, out var scopes);
        var formatter = services.GetServices<ConsoleFormatter>().Single(f => f.Name == services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        // A request id whose digits happen to pass as a card number: an id is kept as it is, so the line matches the problem's requestId
        const string requestId = "4111111111111111aaaaaaaaaaaaaaaa-00f0000000000000";
        using var scope = scopes.Provider.Push(new Dictionary<string, object?> { ["RequestPath"] = "/api/v1/cards/4111111111111111", ["RequestId"] = requestId });
        var state = new Dictionary<string, object?> { ["Path"] = "/Rules/Details/4111 1111 1111 1111", ["Count"] = 3 };
        using var writer = new StringWriter();

        // Act
        formatter.Write(new LogEntry<IReadOnlyDictionary<string, object?>>(LogLevel.Information, "FraudWeb.Test", new EventId(2), state,
            new InvalidOperationException("card 4111-1111-1111-1111"), (_, _) => "Asked for 4111111111111111"), scopes.Provider, writer);

        // Assert: the line keeps its shape and says which card by brand and last four only
        var line = writer.ToString();
        Assert.DoesNotMatch(@"4111\D{0,3}1111\D{0,3}1111\D{0,3}1111", line.Replace(requestId, "", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("Information", root.GetProperty("LogLevel").GetString());
        Assert.Equal("Asked for Visa •••• 1111", root.GetProperty("Message").GetString());
        Assert.Equal(3, root.GetProperty("State").GetProperty("Count").GetInt32());
        Assert.Contains("•••• 1111", root.GetProperty("Exception").GetString(), StringComparison.Ordinal);
        var request = Assert.Single(root.GetProperty("Scopes").EnumerateArray(), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestPath", out _));
        Assert.Equal("/api/v1/cards/Visa •••• 1111", request.GetProperty("RequestPath").GetString());
        Assert.Equal(requestId, request.GetProperty("RequestId").GetString());
    }

    [Fact]
    public void AddFraudLogging_Development_ConsoleNotJson()
    {
        // Arrange
        using var services = Logging(Environments.Development, out _);

        // Act
        var formatterName = services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName;

        // Assert
        Assert.NotEqual(ConsoleFormatterNames.Json, formatterName);
    }

    /// <summary>Logging as the app composes it, with a provider that receives the factory's scopes (activity ids included).</summary>
    private static ServiceProvider Logging(string environment, out ScopeCapture scopes)
    {
        var capture = new ScopeCapture();
        scopes = capture;
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddConsole();
            logging.AddFraudLogging(new HostingEnvironment { EnvironmentName = environment });
            logging.AddProvider(capture);
        });
        var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<ILoggerFactory>();
        return provider;
    }

    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        public IExternalScopeProvider Provider { get; private set; } = new LoggerExternalScopeProvider();

        public ILogger CreateLogger(string categoryName) => NullLogger.Instance;

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => Provider = scopeProvider;

        public void Dispose()
        {
        }
    }
}
