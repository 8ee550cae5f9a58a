using System.Collections.Concurrent;

namespace FraudWeb.Infrastructure.Navigation;

/// <summary>
/// The paths of the actions every page links to (the layout's navigation and its forms), found once through the
/// routes and kept: generating them on each page was 4% of a page's time under load (perf, issue 17). Controllers
/// and actions only, no route values, so a path never depends on the request (the path base is added per request).
/// </summary>
public sealed class NavigationPaths(LinkGenerator links)
{
    private readonly ConcurrentDictionary<(string Controller, string Action), string> _paths = new();

    /// <summary>The path of <paramref name="controller"/>'s <paramref name="action"/> under the request's path base.</summary>
    public string Of(HttpContext context, string controller, string action)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = _paths.GetOrAdd((controller, action), static (key, links) => links.GetPathByAction(key.Action, key.Controller)
            ?? throw new InvalidOperationException($"No route reaches {key.Controller}.{key.Action}."), links);
        return context.Request.PathBase.Add(path).Value!;
    }
}
