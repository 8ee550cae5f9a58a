namespace FraudWeb.ViewModels.Common;

/// <summary>
/// The error page. <c>Title</c> and <c>Message</c> are constant English texts, the keys of their translations
/// (the view shows them through the localizer); <c>MessageArgument</c> fills a message's {0}.
/// </summary>
public sealed record ErrorViewModel(int StatusCode, string Title, string Message, string RequestId, int? MessageArgument = null)
{
    public const string WaitAMinute = "You have tried this too often in a short time. Please wait a minute, then try again.";
    public const string WaitMinutes = "You have tried this too often in a short time. Please wait {0} minutes, then try again.";

    /// <summary>
    /// A 429 page that says how long to wait, from the limit's Retry-After (a data download's limit is an hour, so
    /// "a few minutes" sent people back too soon, to the same page).
    /// </summary>
    public static ErrorViewModel TooManyAttempts(int? retryAfterSeconds, string requestId) => retryAfterSeconds switch
    {
        null or <= 0 => For(429, requestId),
        <= 60 => For(429, requestId) with { Message = WaitAMinute },
        _ => For(429, requestId) with { Message = WaitMinutes, MessageArgument = (retryAfterSeconds.Value + 59) / 60 },
    };

    public static ErrorViewModel For(int statusCode, string requestId) => statusCode switch
    {
        400 => new(400, "We couldn't understand that request",
            "Something in the request was malformed, too large or has expired (for example a form left open too long). Go back, reload the page and try again.", requestId),
        403 => new(403, "Not allowed", "You don't have permission to see this page.", requestId),
        404 => new(404, "Page not found", "The page you asked for doesn't exist, or isn't yours to see.", requestId),
        405 => new(405, "Not allowed", "That action can't be done this way.", requestId),
        429 => new(429, "Too many attempts", "You have tried this too often in a short time. Please wait a few minutes, then try again.", requestId),
        413 => new(413, "Too large", "The request was larger than we accept.", requestId),
        503 => new(503, "Temporarily unavailable", "This service is not available right now. Please try again shortly.", requestId),
        >= 400 and < 500 => new(statusCode, "Request problem", "The request could not be completed.", requestId),
        _ => new(statusCode, "Something went wrong", "Sorry, something went wrong on our side. It has been logged; please try again.", requestId),
    };

    /// <summary>Every title and message the page can show (the translation keys; a test checks each has its translation).</summary>
    public static IReadOnlyList<string> Texts { get; } =
        [.. new[] { 400, 403, 404, 405, 413, 418, 429, 500, 503 }.Select(c => For(c, "")).SelectMany(e => new[] { e.Title, e.Message }).Append(WaitAMinute).Append(WaitMinutes).Distinct()];
}
