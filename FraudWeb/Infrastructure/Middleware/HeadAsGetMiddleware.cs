namespace FraudWeb.Infrastructure.Middleware;

/// <summary>
/// HEAD is answered as GET would be, without the body (RFC 9110 9.3.2: every general-purpose server supports GET and
/// HEAD; uptime monitors and link checkers send it). MVC's <c>[HttpGet]</c> matches GET only, so the request runs as a
/// GET; Kestrel still knows the request line said HEAD and sends the headers alone.
/// </summary>
public sealed class HeadAsGetMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (HttpMethods.IsHead(context.Request.Method)) context.Request.Method = HttpMethods.Get;
        return next(context);
    }
}
