using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Html;

namespace FraudWeb.Infrastructure.Rendering;

/// <summary>
/// Renders the Razor components in FraudWeb/Components to HTML inside an MVC view: Blazor's own
/// <see cref="HtmlRenderer"/>, one per request, with the request's services (so the components' localizer and clock
/// are the page's).
/// </summary>
/// <remarks>
/// Not the component tag helper (<c>&lt;component render-mode="Static"&gt;</c>): for each request it creates the
/// endpoint renderer with the interactive render modes' services (component state persistence, which sorts its
/// registrations by assembly name every time), 4-5% of a card holder's result page. These components are static and
/// need none of that (docs/decisions/0019).
/// </remarks>
public sealed class StaticComponents(IServiceProvider services, ILoggerFactory loggers, IHttpContextAccessor http) : IAsyncDisposable
{
    private HtmlRenderer? renderer;

    /// <summary>The component's HTML, given its parameters by name.</summary>
    public async Task<IHtmlContent> RenderAsync<TComponent>(IReadOnlyDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var html = Renderer();
        return await html.Dispatcher.InvokeAsync(async () =>
        {
            var root = await html.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters.ToDictionary()));
            return new HtmlString(root.ToHtmlString());
        });
    }

    public ValueTask DisposeAsync() => renderer?.DisposeAsync() ?? ValueTask.CompletedTask;

    private HtmlRenderer Renderer()
    {
        if (renderer is not null) return renderer;
        // Links the components build (NavigationManager.ToAbsoluteUri) are relative to the app's base, as on any page.
        if (services.GetService<NavigationManager>() is IHostEnvironmentNavigationManager navigation && http.HttpContext is { } context)
        {
            var request = context.Request;
            var baseUri = $"{request.Scheme}://{request.Host}{request.PathBase}/";
            navigation.Initialize(baseUri, baseUri + request.Path.Value?.TrimStart('/') + request.QueryString);
        }
        return renderer = new HtmlRenderer(services, loggers);
    }
}
