using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using System.Text.Encodings.Web;
using FraudWeb.Infrastructure.Localization;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace FraudWeb.Infrastructure.Rendering;

/// <summary>
/// Renders the Razor components in FraudWeb/Components to HTML inside an MVC view: Blazor's own
/// <see cref="HtmlRenderer"/>, one per request, with the request's services (so the components' localizer and clock
/// are the page's).
/// </summary>
/// <remarks>
/// Not the component tag helper (<c>&lt;component render-mode="Static"&gt;</c>): for each request it creates the
/// endpoint renderer with the services of interactive rendering (component state persistence, which sorts its
/// registrations by assembly name every time), 7% of a card holder's result page under load. These components are
/// static and need none of that (docs/decisions/0019).
/// </remarks>
public sealed class StaticComponents(IServiceProvider services, ILoggerFactory loggers) : IAsyncDisposable
{
    private HtmlRenderer? renderer;

    /// <summary>The component's HTML, given its parameters by name.</summary>
    public async Task<IHtmlContent> RenderAsync<TComponent>(IDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var html = Renderer();
        return await html.Dispatcher.InvokeAsync(async () =>
        {
            var root = await html.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return new HtmlString(root.ToHtmlString());
        });
    }

    public ValueTask DisposeAsync() => renderer?.DisposeAsync() ?? ValueTask.CompletedTask;

    private HtmlRenderer Renderer() => renderer ??= new HtmlRenderer(new ComponentServices(services), loggers);

    /// <summary>
    /// What the components may inject (the page's localizer and clock, the encoders), from the request's services;
    /// nothing else. Given all of them, a renderer resolves Blazor's cascading value suppliers (form and query values,
    /// persisted component state) when it is created, and the persisted state's sorts its registrations by assembly name
    /// each time: 4% of a result page under load. These components take every value as a parameter.
    /// </summary>
    internal sealed class ComponentServices(IServiceProvider inner) : IServiceProvider
    {
        public object? GetService(Type serviceType)
        {
            if (serviceType == typeof(LocalTime) || serviceType == typeof(HtmlEncoder) || serviceType == typeof(JavaScriptEncoder))
                return inner.GetService(serviceType);
            if (!serviceType.IsGenericType) return null;
            var definition = serviceType.GetGenericTypeDefinition();
            if (definition == typeof(IStringLocalizer<>)) return inner.GetService(serviceType);
            // "All of these" is none of them (a renderer asks for its suppliers this way).
            return definition == typeof(IEnumerable<>) ? Array.CreateInstance(serviceType.GenericTypeArguments[0], 0) : null;
        }
    }
}
