using System.Net;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FraudWeb.Tests.Web;

[Collection(WebTestGroup.Name)]
public sealed class HealthTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Healthz_AnonymousOnAHealthyInstance_200HealthyAndNothingMore()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Healthz_NoModelServing_503Unhealthy()
    {
        // Arrange
        using var noModel = new NoModelFactory();
        using var client = noModel.CreateBrowserClient();

        // Act
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
    }

    /// <summary>An instance whose model never arrives (start-up's promotion is ignored).</summary>
    private sealed class NoModelFactory : FraudWebFactory
    {
        public NoModelFactory() => Settings["Seed:Trees"] = "5";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IServingModel>();
                services.AddSingleton<IServingModel, NeverServing>();
            });
        }
    }

    private sealed class NeverServing : IServingModel
    {
        public ServingSnapshot? Current => null;

        public void Promote(ServingSnapshot snapshot)
        {
        }
    }
}
