using System.Diagnostics.Metrics;
using System.Reflection;
using FraudWeb.Infrastructure.Health;
using FraudWeb.Infrastructure.Options;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FraudWeb.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry for every instance: traces (ASP.NET Core, EF Core, the product's spans) always recorded in-process and
/// pushed over OTLP only when a collector is configured; metrics (ASP.NET Core, runtime, the product's own meter) on
/// /metrics for Prometheus, and over OTLP too when configured. Structured JSON logs outside Development.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string MetricsPath = "/metrics";
    public const string ServiceName = "FraudWeb";

    /// <summary>The standard variable, read by the OTLP exporter itself; Telemetry:OtlpEndpoint takes precedence.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddFraudTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.OtlpEndpoint) || IsHttpUrl(o.OtlpEndpoint),
                $"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)} must be an absolute http(s) URL, e.g. http://otel-collector:4317.")
            .ValidateOnStart();
        services.AddSingleton<FraudMetrics>();
        services.AddSingleton<MetricsAccess>();
        // Registered after the start-up initialiser (AddFraudScoring), so it first counts a migrated database.
        services.AddHostedService<ReviewQueueSampler>();

        // Read while composing: exporters are chosen here, not per request.
        var configuredEndpoint = configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)}"];
        var pushOtlp = !string.IsNullOrWhiteSpace(configuredEndpoint) || !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        // A span per SQL command by default only when spans leave the process: building them for nobody was 4% of a
        // payment's CPU (perf, issue 17).
        var databaseSpans = configuration.GetValue<bool?>($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.DatabaseSpans)}") ?? pushOtlp;
        // Likewise a span per request (7% of a payment's CPU, A/B); the trace id in logs and responses needs none.
        var requestSpans = configuration.GetValue<bool?>($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.RequestSpans)}") ?? pushOtlp;
        void Otlp(OtlpExporterOptions options)
        {
            // A bad value never gets here: StartupChecks stops start-up on it first.
            if (!string.IsNullOrWhiteSpace(configuredEndpoint) && IsHttpUrl(configuredEndpoint)) options.Endpoint = new Uri(configuredEndpoint);
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName,
                serviceVersion: typeof(FraudMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion))
            .WithTracing(tracing =>
            {
                tracing.AddSource(FraudMetrics.MeterName);
                // Probes and scrapes are not traffic worth a trace. Request spans hold no client address (a test checks).
                if (requestSpans) tracing.AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbeOrScrape(context.Request.Path));
                if (databaseSpans) tracing.AddEntityFrameworkCoreInstrumentation();
                if (pushOtlp) tracing.AddOtlpExporter(Otlp);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FraudMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (pushOtlp) metrics.AddOtlpExporter(Otlp);
            });
        // Meters are matched by name process-wide: with several apps in one process (the tests), another app's meters
        // (from its own IMeterFactory) would be counted here too, so only this app's are kept.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var own = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own)
                ? MetricStreamConfiguration.Drop : null);
            // Not Blazor's: its render metrics describe interactive circuits; for the few components rendered statically
            // into pages they timed every render batch, 2.6% of the result page's CPU (perf, issue 17).
            metrics.AddView(instrument => instrument.Meter.Name.StartsWith(BlazorMeters, StringComparison.Ordinal)
                ? MetricStreamConfiguration.Drop : null);
        });
        return services;
    }

    /// <summary>The prefix of Blazor's meters (Microsoft.AspNetCore.Components, .Lifecycle, .Server.Circuits).</summary>
    public const string BlazorMeters = "Microsoft.AspNetCore.Components";

    /// <summary>
    /// Structured logs: outside Development one JSON object per line (UTC timestamps, scopes included, so every line
    /// written in a request or span carries its TraceId and SpanId; card numbers masked in every value); Development
    /// keeps the readable simple console.
    /// </summary>
    public static ILoggingBuilder AddFraudLogging(this ILoggingBuilder logging, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(environment);
        logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (environment.IsDevelopment()) return logging;
        // The built-in JSON lines with card numbers masked (RedactingJsonConsoleFormatter).
        logging.AddConsole(options => options.FormatterName = RedactingJsonConsoleFormatter.FormatterName);
        logging.AddConsoleFormatter<RedactingJsonConsoleFormatter, Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            options.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        });
        return logging;
    }

    /// <summary>/metrics in Prometheus's text format, for staff or the internal network only (<see cref="MetricsAccess"/>).</summary>
    public static WebApplication MapFraudMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Anonymous to the authorization middleware: the access check in the branch decides (internal network or staff).
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null,
                configureBranchedPipeline: branch => branch.UseMiddleware<MetricsAccessMiddleware>(), optionsName: null)
            .AllowAnonymous()
            .DisableHttpMetrics();
        return app;
    }

    internal static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(HealthServiceCollectionExtensions.Path, StringComparison.OrdinalIgnoreCase);

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
