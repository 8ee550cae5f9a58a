using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FraudWeb.Tests.Web;

public sealed class HostedServiceStopTests
{
    /// <summary>
    /// A service whose loop let the stop's cancellation escape ended "canceled", which the host logs as a crash
    /// (BackgroundServiceExceptionBehavior) when the start fails, e.g. on a port already in use.
    /// </summary>
    [Fact]
    public async Task Stop_AfterStart_EveryBackgroundServiceEndsCleanly()
    {
        // Arrange
        var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        var services = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        // Since .NET 10 a service's ExecuteAsync starts through Task.Run with the stop's token: stopped before the
        // thread pool ran it, it ends canceled without having run (CI, a loaded machine), which is not what this asks.
        using var client = app.CreateClient();
        Assert.True((await client.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Act
        await app.DisposeAsync();

        // Assert
        Assert.True(services.Count >= 5, $"{services.Count} background services");
        foreach (var service in services)
        {
            var task = service.ExecuteTask;
            Assert.True(task is null || task.IsCompletedSuccessfully, $"{service.GetType().Name}: {task?.Status}");
        }
    }
}
