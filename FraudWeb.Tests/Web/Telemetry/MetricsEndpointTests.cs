using System.Net;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Telemetry;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Telemetry;

/// <summary>
/// /metrics on the shared app. The test server gives requests no client address, which is never internal, so only
/// signed-in staff get through here (the network rule has its own app: MetricsNetworkTests).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class MetricsEndpointTests(FraudWebFactory factory)
{
    private const string PaymentsScored = "fraudweb_payments_scored_total";
    private static readonly string[] Decisions = ["approved", "review", "declined"];

    [Fact]
    public async Task Metrics_AnonymousWithoutAddress_NotFound()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        using var response = await client.GetAsync(new Uri(PrometheusText.Path, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("fraudweb_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_CardHolder_NotFound()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        using var response = await holder.Client.GetAsync(new Uri(PrometheusText.Path, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("fraudweb_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AdministratorAfterOnePayment_CountsItByItsDecision()
    {
        // Arrange
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var before = await PrometheusText.ScrapeAsync(admin.Client);

        // Act
        var id = await holder.PayAndGetIdAsync(cardId, merchant, 42.50m);

        // Assert: one more payment under the decision it was recorded with, none under the others.
        var decision = FraudMetrics.DecisionName((await factory.TransactionAsync(id)).Verdict!.Decision);
        double Scored(IEnumerable<PrometheusSample> samples, string name) => samples.Sum(PaymentsScored, (FraudMetrics.DecisionTag.Replace('.', '_'), name));
        var after = await PrometheusText.ScrapeUntilAsync(admin.Client, s => Scored(s, decision) > Scored(before, decision));
        Assert.Equal(Scored(before, decision) + 1, Scored(after, decision));
        foreach (var other in Decisions.Where(d => d != decision))
        {
            Assert.Equal(Scored(before, other), Scored(after, other));
        }
        Assert.True(after.Sum("fraudweb_scoring_duration_seconds_count") >= 1, "the scoring duration histogram has the payment");
        var serving = factory.Services.GetRequiredService<IServingModel>().Current!.Version;
        var version = Assert.Single(after.Named("fraudweb_model_serving_version"));
        Assert.Equal(serving, version.Labels[FraudMetrics.ModelVersionTag.Replace('.', '_')]);
        Assert.Equal(1, version.Value);
        Assert.Single(after.Named("fraudweb_review_queue_depth"));
    }

    [Fact]
    public async Task Metrics_NotFoundAnsweredByTheErrorPage_CountedUnderTheRouteAskedFor()
    {
        // Arrange (resilience test: the payment form's 503s were counted under the error page's route, so an alert on the
        // form's failures never fired; the re-executed error page routes the request again)
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        const string duration = "http_server_request_duration_seconds_count";
        static double Count(IEnumerable<PrometheusSample> samples, Func<string, bool> route) =>
            samples.Where(s => s.Name == duration && s.Labels.GetValueOrDefault("http_response_status_code") == "404"
                && route(s.Labels.GetValueOrDefault("http_route") ?? "")).Sum(s => s.Value);
        static bool ErrorPage(string route) => route.StartsWith("Error", StringComparison.Ordinal);
        var before = await PrometheusText.ScrapeAsync(admin.Client);

        // Act: a card that is not theirs: the action answers 404 and the error page writes it
        using var response = await holder.Client.GetAsync(new Uri("/Cards/Details/987654321", UriKind.Relative));
        var after = await PrometheusText.ScrapeUntilAsync(admin.Client, s => Count(s, r => r.Length > 0 && !ErrorPage(r)) > Count(before, r => r.Length > 0 && !ErrorPage(r)));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(Count(before, ErrorPage), Count(after, ErrorPage));
    }

    [Fact]
    public async Task Metrics_Analyst_ScrapeInTextFormat()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var samples = await PrometheusText.ScrapeAsync(analyst.Client);

        // Assert: the product's gauges and the framework's own instruments.
        Assert.Single(samples.Named("fraudweb_model_serving_version"));
        Assert.Contains(samples, s => s.Name.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_AfterPagesWithComponents_NoBlazorRenderMetrics()
    {
        // Arrange: a payment's result page and the profile, both rendering Razor components statically
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var id = await holder.PayAndGetIdAsync(cardId, await Merchants.OrdinaryAsync(factory), 12.00m);
        using var result = await holder.Client.GetAsync(new Uri($"/Transactions/Details/{id}", UriKind.Relative));
        using var profile = await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative));

        // Act
        var samples = await PrometheusText.ScrapeAsync(analyst.Client);

        // Assert: the pages rendered their components, and Blazor's per-render timings were not kept
        Assert.Contains("data-decision=", await result.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.Contains(samples, s => s.Name.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.DoesNotContain(samples, s => s.Name.StartsWith("aspnetcore_components", StringComparison.Ordinal));
    }
}
