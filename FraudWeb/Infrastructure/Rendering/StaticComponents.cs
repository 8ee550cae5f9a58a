using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.Web.HtmlRendering;
using System.Globalization;
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
        var root = await html.Dispatcher.InvokeAsync(() => html.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters)));
        return new ComponentHtml(html, root);
    }

    public ValueTask DisposeAsync() => renderer?.DisposeAsync() ?? ValueTask.CompletedTask;

    private HtmlRenderer Renderer() => renderer ??= new HtmlRenderer(new ComponentServices(services), loggers);

    /// <summary>
    /// A rendered component, written straight to the page's output when the view is written: going through
    /// <see cref="HtmlRootComponent.ToHtmlString"/> built each table in a growing StringBuilder, then a string, then
    /// copied it; 43% of the profile page's allocations (dotnet-trace, issue 17).
    /// </summary>
    private sealed class ComponentHtml(HtmlRenderer renderer, HtmlRootComponent root) : IHtmlContent
    {
        public void WriteTo(TextWriter writer, HtmlEncoder encoder)
        {
            // The renderer's frames are read on its dispatcher. Nothing else renders on this request's renderer by now,
            // so the work runs inline and the task is already complete.
            var written = renderer.Dispatcher.InvokeAsync(() => root.WriteHtmlTo(writer));
            written.GetAwaiter().GetResult();
        }

        public override string ToString()
        {
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            WriteTo(writer, HtmlEncoder.Default);
            return writer.ToString();
        }
    }

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
