using System.Diagnostics;

namespace FraudWeb.Infrastructure.Middleware;

/// <summary>
/// W3C trace context and request ids on every response: an incoming <c>traceparent</c> becomes the parent of this
/// request's activity (so logs and problem details carry the caller's trace id) and the response's <c>traceparent</c>
/// names this request's span in that trace; <c>X-Request-Id</c> echoes the caller's id when it is sane, otherwise
/// this request's own id.
/// </summary>
public sealed class RequestCorrelationMiddleware(RequestDelegate next)
{
    public const string RequestIdHeader = "X-Request-Id";
    private const int MaxRequestIdLength = 128;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // ASP.NET Core starts an activity from traceparent when something listens; otherwise start one here.
        Activity? started = null;
        if (Activity.Current is null)
        {
            started = new Activity("FraudWeb.Request");
            var traceParent = context.Request.Headers.TraceParent.ToString();
            if (ActivityContext.TryParse(traceParent, context.Request.Headers.TraceState.ToString(), out var parent))
                started.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            started.Start();
        }
        var activity = Activity.Current!;
        var incoming = context.Request.Headers[RequestIdHeader].ToString();
        var requestId = IsSane(incoming) ? incoming : activity.TraceId.ToHexString() + "-" + activity.SpanId.ToHexString();
        context.TraceIdentifier = requestId;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers[RequestIdHeader] = requestId;
            headers.TraceParent = $"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{((activity.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            started?.Stop();
        }
    }

    /// <summary>Printable ASCII without spaces, of a bounded length: safe to echo and to log.</summary>
    private static bool IsSane(string value) =>
        value.Length is > 0 and <= MaxRequestIdLength && value.All(c => c is > ' ' and <= '~');
}
