using FraudWeb.Infrastructure.Health;
using FraudWeb.Infrastructure.Security;

namespace FraudWeb.Infrastructure.Middleware;

/// <summary>
/// Outside Development every page is served over TLS (directly, or by a known proxy that says so): a plain-HTTP
/// page request is sent to the public https address, and a plain-HTTP form post is refused with 400, as its
/// Secure antiforgery cookie could never have come back over HTTP. Health probes stay reachable over HTTP.
/// </summary>
public sealed class RequireTlsMiddleware(RequestDelegate next, PublicSite site)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.IsHttps || context.Request.Path.StartsWithSegments(HealthServiceCollectionExtensions.Path, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            // 307, not 308: the public address is configuration and may change.
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = site.Link(context.Request.Path.Add(context.Request.QueryString).ToString());
            return Task.CompletedTask;
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"This site accepts forms over HTTPS only: {site.BaseUrl}", context.RequestAborted);
    }
}
