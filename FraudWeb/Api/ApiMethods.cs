using Microsoft.AspNetCore.Routing.Template;

namespace FraudWeb.Api;

/// <summary>
/// Which methods the API's endpoints take at a path, so that a known path asked with another method is a 405 with
/// <c>Allow</c> rather than the catch-all's 404. Built once from the endpoints (they do not change after start).
/// </summary>
public sealed class ApiMethods(EndpointDataSource endpoints)
{
    private readonly Lazy<IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)>> _routes = new(() =>
        endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v", StringComparison.OrdinalIgnoreCase) == true
                && e.Metadata.GetMetadata<HttpMethodMetadata>() is { HttpMethods.Count: > 0 })
            .Select(e => (new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText!.TrimStart('/')), new RouteValueDictionary()),
                e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods))
            .ToList());

    /// <summary>The methods some endpoint takes at this path (route constraints aside), sorted; empty for an unknown path.</summary>
    /// <remarks>HEAD wherever GET is: HeadAsGetMiddleware answers it (API review: Allow left it out).</remarks>
    public IReadOnlyList<string> At(PathString path)
    {
        var methods = _routes.Value.Where(r => r.Matcher.TryMatch(path, new RouteValueDictionary())).SelectMany(r => r.Methods).ToList();
        if (methods.Contains(HttpMethods.Get, StringComparer.Ordinal)) methods.Add(HttpMethods.Head);
        return methods.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }
}
