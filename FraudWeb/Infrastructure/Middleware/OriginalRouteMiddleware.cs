namespace FraudWeb.Infrastructure.Middleware;

/// <summary>
/// Keeps the route the request was routed to for the request metrics (<c>http.route</c>): the error page's re-execution
/// (an exception, a 503 for an unavailable database, a 404 from an action) routes the request again, to
/// <c>Error/{code}</c>, and the hosting metrics read the endpoint last set, so a payment form's 503s were counted
/// under the error page (resilience test; dotnet/aspnetcore#68551). <see cref="Capture"/> notes the first routing's
/// endpoint (none for an unknown address); <see cref="InvokeAsync"/>, outside the error handlers, puts it back at the end.
/// </summary>
public sealed class OriginalRouteMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        finally
        {
            if (context.Features.Get<FirstRouting>() is { } first && !ReferenceEquals(context.GetEndpoint(), first.Endpoint)) context.SetEndpoint(first.Endpoint);
        }
    }

    /// <summary>Right after routing: the first time only (a re-execution routes again, to the error page).</summary>
    public static Task Capture(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Features.Get<FirstRouting>() is null) context.Features.Set(new FirstRouting(context.GetEndpoint()));
        return next(context);
    }

    private sealed record FirstRouting(Endpoint? Endpoint);
}
