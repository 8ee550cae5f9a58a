using FraudWeb.Api;
using FraudWeb.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using FraudWeb.Infrastructure.Telemetry;

namespace FraudWeb.Infrastructure.Middleware;

/// <summary>
/// Outside Development every page is served over TLS (directly, or by a known proxy that says so): a plain-HTTP
/// page request is sent to the public https address, and a plain-HTTP form post is refused with 400, as its
/// Secure antiforgery cookie could never have come back over HTTP. The API is refused with a problem (403 https-required). Health probes and metrics scrapes stay reachable
/// over HTTP (a scraper on the internal network talks to the instance, not the public address; /metrics checks who asks).
/// </summary>
public sealed class RequireTlsMiddleware(RequestDelegate next, PublicSite site)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.IsHttps || TelemetryServiceCollectionExtensions.IsProbeOrScrape(context.Request.Path))
        {
            return next(context);
        }
        if (ApiServiceCollectionExtensions.IsApi(context))
        {
            // The API is not redirected (a client that follows it would not notice its key went in clear): a problem says so.
            context.Response.StatusCode = ApiProblems.HttpsRequired.Status;
            return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = ApiProblems.HttpsRequired.Status,
                    Type = ApiProblems.HttpsRequired.Uri,
                    Detail = $"The API is served over HTTPS only: send requests to {site.Link(context.Request.Path.ToString())}, and revoke an API key sent over HTTP.",
                },
            }).AsTask();
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
