using Bunit;
using FraudWeb.Infrastructure.Localization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Components;

/// <summary>A bUnit context with what the components inject: the shared words and the visitor's clock (UTC without a request).</summary>
public abstract class ComponentTestContext : BunitContext
{
    protected ComponentTestContext()
    {
        Services.AddLocalization();
        Services.AddSingleton<IHttpContextAccessor, HttpContextAccessor>();
        Services.AddScoped<LocalTime>();
    }
}
