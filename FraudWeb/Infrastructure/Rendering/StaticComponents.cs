using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Html;

namespace FraudWeb.Infrastructure.Rendering;

/// <summary>
/// Renders the Razor components in FraudWeb/Components to HTML inside an MVC view: Blazor's own
/// <see cref="HtmlRenderer"/>, one per request, with the request's services (so the components' localizer and clock
/// are the page's).
/// </summary>
/// <remarks>
/// Not the component tag helper (<c>&lt;component render-mode="Static"&gt;</c>) with <c>AddRazorComponents</c>: any
/// renderer then resolves the interactive render modes' services for each request (component state persistence sorts
/// its registrations by assembly name every time), 4-7% of a card holder's result page. These components are static
/// and need none of that, so those services are not registered (docs/decisions/0019).
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

    private HtmlRenderer Renderer() => renderer ??= new HtmlRenderer(services, loggers);
}
