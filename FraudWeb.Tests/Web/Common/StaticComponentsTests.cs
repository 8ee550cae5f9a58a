using FraudWeb.Components;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Rendering;
using FraudWeb.Resources;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace FraudWeb.Tests.Web.Common;

/// <summary>The components inside MVC views, rendered by Blazor's HtmlRenderer with only the services they may inject.</summary>
public sealed class StaticComponentsTests(FraudWebFactory factory) : IClassFixture<FraudWebFactory>
{
    [Fact]
    public async Task RenderAsync_TwoComponentsInOneRequest_EachOnesHtml()
    {
        // Arrange
        await using var scope = factory.Services.CreateAsyncScope();
        var components = scope.ServiceProvider.GetRequiredService<StaticComponents>();

        // Act
        var approved = (await components.RenderAsync<PaymentStatusBadge>(new Dictionary<string, object?> { [nameof(PaymentStatusBadge.Status)] = PaymentStatus.Approved })).ToString();
        var held = (await components.RenderAsync<PaymentStatusBadge>(new Dictionary<string, object?> { [nameof(PaymentStatusBadge.Status)] = PaymentStatus.Review })).ToString();

        // Assert
        Assert.Contains("data-decision=\"Approved\"", approved, StringComparison.Ordinal);
        Assert.DoesNotContain("Review", approved, StringComparison.Ordinal);
        Assert.Contains("data-decision=\"Review\"", held, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetService_ComponentServices_TheComponentsOwnAndNoneOfBlazorsSuppliers()
    {
        // Arrange
        await using var scope = factory.Services.CreateAsyncScope();
        var services = new StaticComponents.ComponentServices(scope.ServiceProvider);

        // Act / Assert: what the components inject
        Assert.NotNull(services.GetService(typeof(IStringLocalizer<SharedResource>)));
        Assert.NotNull(services.GetService(typeof(LocalTime)));
        // The persisted component state (registered by MVC's views) and anything else: not offered
        Assert.NotNull(scope.ServiceProvider.GetService(typeof(ComponentStatePersistenceManager)));
        Assert.Null(services.GetService(typeof(ComponentStatePersistenceManager)));
        Assert.Null(services.GetService(typeof(NavigationManager)));
        Assert.Empty((IEnumerable<object>)services.GetService(typeof(IEnumerable<IComponentActivator>))!);
    }
}
