using System.Diagnostics;
using System.Net;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Telemetry;
using FraudWeb.Services.Models;
using FraudWeb.Services.Retraining;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Telemetry;

/// <summary>/metrics from the internal network, the spans of a payment, the queue-depth gauge and the retraining instruments.</summary>
public sealed class TelemetryTests(TelemetryFactory factory) : IClassFixture<TelemetryFactory>
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.20.3.4")]
    [InlineData("::ffff:10.20.0.9")]
    public async Task Metrics_AnonymousFromTheInternalNetwork_Scraped(string address)
    {
        // Arrange
        using var client = factory.CreateClientFrom(address);

        // Act
        var samples = await PrometheusText.ScrapeAsync(client);

        // Assert
        Assert.Single(samples.Named("fraudweb_model_serving_version"));
    }

    [Theory]
    [InlineData("10.21.0.1")]
    [InlineData("192.0.2.10")]
    [InlineData("::ffff:192.0.2.10")]
    [InlineData("2001:db8::1")]
    public async Task Metrics_AnonymousFromOutside_NotFound(string address)
    {
        // Arrange
        using var client = factory.CreateClientFrom(address);

        // Act
        using var response = await client.GetAsync(new Uri(PrometheusText.Path, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("fraudweb_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_InternalScraperOverPlainHttp_ScrapedNotRedirected()
    {
        // Arrange: outside Development pages redirect to https; a scraper talks to the instance over HTTP.
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost"), AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(TelemetryFactory.ClientIpHeader, "10.20.0.3");

        // Act
        var samples = await PrometheusText.ScrapeAsync(client);

        // Assert
        Assert.Single(samples.Named("fraudweb_model_serving_version"));
    }

    [Fact]
    public async Task Metrics_ForwardedByALocalProxyForAnOutsideClient_NotFound()
    {
        // Arrange: the proxy is on loopback (a known proxy by default); the client it forwards for is outside.
        using var client = factory.CreateClientFrom("127.0.0.1");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        // Act
        using var response = await client.GetAsync(new Uri(PrometheusText.Path, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Submit_Payment_ScoringSpanInTheRequestsTrace()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        using var response = await holder.PayAsync(cardId, merchant, 19.99m);

        // Assert: the response names its span; the scoring span and the database's spans are in that trace.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var traceParent = response.Headers.GetValues("traceparent").Single().Split('-');
        var traceId = ActivityTraceId.CreateFromString(traceParent[1]);
        var requestSpanId = ActivitySpanId.CreateFromString(traceParent[2]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<Activity> trace;
        do
        {
            trace = factory.Spans.Where(s => s.TraceId == traceId).ToList();
            if (trace.Any(s => s.SpanId == requestSpanId)) break;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        var request = Assert.Single(trace, s => s.SpanId == requestSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        var scoring = Assert.Single(trace, s => s.Source.Name == FraudMetrics.MeterName && s.OperationName == "fraudweb.scoring");
        Assert.Equal(factory.Services.GetRequiredService<IServingModel>().Current!.Version, scoring.GetTagItem(FraudMetrics.ModelVersionTag));
        var stored = await factory.TransactionAsync(long.Parse(Html.Location(response).Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(FraudMetrics.DecisionName(stored.Verdict!.Decision), scoring.GetTagItem(FraudMetrics.DecisionTag));
        Assert.True(IsUnder(scoring, request, trace), "the scoring span descends from the request's span");
        Assert.Contains(trace, s => s.ParentSpanId == scoring.SpanId && s.Kind == ActivityKind.Client);
    }

    [Fact]
    public async Task Request_FromAClientAddress_SpanWithoutTheAddress()
    {
        // Arrange: the address is on the connection before the request starts (as Kestrel sets it).
        static void Request(HttpContext context)
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Scheme = "https";
            context.Request.Host = new HostString("localhost");
            context.Request.Path = "/Account/Login";
            context.Connection.RemoteIpAddress = IPAddress.Parse("10.20.7.7");
        }

        // Act
        var context = await factory.Server.SendAsync(Request);

        // Assert
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        var spanId = ActivitySpanId.CreateFromString(context.Response.Headers.TraceParent.ToString().Split('-')[2]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        Activity? span;
        while ((span = factory.Spans.FirstOrDefault(s => s.SpanId == spanId)) is null && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.NotNull(span);
        Assert.Equal("/Account/Login", span.GetTagItem("url.path"));
        Assert.DoesNotContain(span.TagObjects, t => t.Value is string value && value.Contains("10.20.7.7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueueDepth_OpenReport_GaugeFollowsTheQueue()
    {
        // Arrange: a payment reported as not the holder's waits for an analyst.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var id = await holder.PayAndGetIdAsync(cardId, await Merchants.OrdinaryAsync(factory), 12.00m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.NotMe, "I was asleep")).StatusCode);
        using var client = factory.CreateClientFrom("10.20.0.1");

        // Act: counted here the way an analyst's queue reads (open reports, plus held payments nobody reported).
        var expected = await factory.QueryAsync(async db =>
            await db.FraudReports.CountAsync(r => r.Status == ReportStatus.Open)
            + await db.Transactions.CountAsync(t => t.Verdict!.Decision == Decision.Review && t.Label == FraudLabel.Unknown
                && !db.FraudReports.Any(r => r.TransactionId == t.Id && r.Status == ReportStatus.Open)));
        var samples = await PrometheusText.ScrapeUntilAsync(client, s => s.Sum("fraudweb_review_queue_depth") == expected);

        // Assert
        Assert.True(expected >= 1);
        Assert.Equal(expected, Assert.Single(samples.Named("fraudweb_review_queue_depth")).Value);
    }

    [Fact]
    public async Task Retraining_OneRun_CountedByOutcomeWithItsDuration()
    {
        // Arrange
        using var client = factory.CreateClientFrom("10.20.0.2");
        var before = await PrometheusText.ScrapeAsync(client);

        // Act: an administrator's request; the worker trains it.
        long runId;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            runId = (await scope.ServiceProvider.GetRequiredService<RetrainingService>().RequestAsync(RetrainingTrigger.Manual, "test", CancellationToken.None)).Id;
        }
        var deadline = DateTime.UtcNow.AddSeconds(120);
        RetrainingRun run;
        while (!(run = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().SingleAsync(r => r.Id == runId))).IsFinished)
        {
            Assert.True(DateTime.UtcNow < deadline, "the retraining run did not finish");
            await Task.Delay(200);
        }

        // Assert: its outcome as recorded; the serving gauge shows only the version serving now.
        var outcome = run.Status == RetrainingRunStatus.Failed ? RetrainingOutcomes.Failed
            : await factory.QueryAsync(db => db.ModelVersions.AnyAsync(m => m.Version == run.ModelVersion && m.Status == ModelStatus.Serving))
                ? RetrainingOutcomes.Promoted : RetrainingOutcomes.Rejected;
        var label = FraudMetrics.OutcomeTag.Replace('.', '_');
        var after = await PrometheusText.ScrapeUntilAsync(client, s => s.Sum("fraudweb_retraining_runs_total") > before.Sum("fraudweb_retraining_runs_total"));
        Assert.Equal(before.Sum("fraudweb_retraining_runs_total", (label, outcome)) + 1, after.Sum("fraudweb_retraining_runs_total", (label, outcome)));
        Assert.Equal(before.Sum("fraudweb_retraining_runs_total") + 1, after.Sum("fraudweb_retraining_runs_total"));
        Assert.Equal(before.Sum("fraudweb_retraining_duration_seconds_count", (label, outcome)) + 1, after.Sum("fraudweb_retraining_duration_seconds_count", (label, outcome)));
        var serving = Assert.Single(after.Named("fraudweb_model_serving_version"));
        Assert.Equal(factory.Services.GetRequiredService<IServingModel>().Current!.Version, serving.Labels[FraudMetrics.ModelVersionTag.Replace('.', '_')]);
    }

    private static bool IsUnder(Activity span, Activity ancestor, List<Activity> trace)
    {
        for (var current = span; current is not null; current = trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
        {
            if (current.ParentSpanId == ancestor.SpanId) return true;
        }
        return false;
    }
}
