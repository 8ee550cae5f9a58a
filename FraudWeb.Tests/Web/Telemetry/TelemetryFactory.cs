using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace FraudWeb.Tests.Web.Telemetry;

/// <summary>
/// The app with an internal network configured for /metrics, client addresses set by a test header (the test server
/// has none), every finished span captured, the review queue counted every second and retraining only on request.
/// </summary>
public sealed class TelemetryFactory : FraudWebFactory
{
    public const string ClientIpHeader = "X-Test-Client-Ip";
    public const string InternalNetwork = "10.20.0.0/16";

    public TelemetryFactory()
    {
        Settings["Telemetry:MetricsAllowedNetworks:0"] = InternalNetwork;
        Settings["Telemetry:QueueDepthInterval"] = "00:00:01";
        Settings["Retraining:Trees"] = "30";
        Settings["Retraining:PollInterval"] = "01:00:00";
        Settings["Retraining:LabelThreshold"] = "0";
        Settings["Retraining:Interval"] = "00:00:00";
    }

    /// <summary>Spans as the tracer provider ended them (through the app's own OpenTelemetry pipeline).</summary>
    public ConcurrentQueue<Activity> Spans { get; } = new();

    /// <summary>A client whose requests come from <paramref name="address"/>.</summary>
    public HttpClient CreateClientFrom(string address)
    {
        var client = CreateBrowserClient();
        client.DefaultRequestHeaders.Add(ClientIpHeader, address);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Read while the app is composed: request and database spans are built only when asked for (or pushed by OTLP).
        builder.UseSetting("Telemetry:DatabaseSpans", "true");
        builder.UseSetting("Telemetry:RequestSpans", "true");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter, ClientIpFilter>();
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new CapturingProcessor(Spans)));
        });
    }

    private sealed class CapturingProcessor(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }

    /// <summary>Before the app's pipeline (and so before forwarded headers): the connection's address from the test header.</summary>
    private sealed class ClientIpFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(ClientIpHeader, out var ip)) context.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
