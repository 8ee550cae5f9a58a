using FraudWeb.Services;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Api;

/// <summary>
/// The API's problem types (RFC 9457): a stable <c>type</c> per kind of error that clients branch on, a relative
/// URI that resolves to this server's description of it (GET /api/problems/{name}).
/// </summary>
public static class ApiProblems
{
    public const string TypePrefix = "/api/problems/";

    public sealed record ProblemType(string Name, int Status, string Title, string Description)
    {
        public string Uri => TypePrefix + Name;
    }

    public static readonly ProblemType Validation = new("validation", 400, "The request is not valid.",
        "The body or the query is malformed (not JSON, wrong types, unknown fields, numbers out of range) or a field breaks a rule; `errors` names each field.");
    public static readonly ProblemType Unauthorized = new("unauthorized", 401, "An API key is required.",
        "Send a valid, unexpired and unrevoked key as `Authorization: Bearer <key>`. Cookies are not accepted.");
    public static readonly ProblemType Forbidden = new("insufficient-scope", 403, "The key does not allow this.",
        "The key lacks the scope this endpoint needs, or its owner no longer holds the permission behind it.");
    public static readonly ProblemType ConsentRequired = new("consent-required", 403, "The key's owner has not given consent.",
        "The card holder who owns the key has no consent recorded to the current privacy notice (PIPL article 29): the key works again once they sign in to the website and give it.");
    public static readonly ProblemType HttpsRequired = new("https-required", 403, "The API is served over HTTPS only.",
        "A request over plain HTTP is refused, not redirected: a redirect would hide that the key travelled in clear. Send it to the https address in `detail`, and revoke a key sent over HTTP.");
    public static readonly ProblemType NotFound = new("not-found", 404, "Not found.",
        "It does not exist or is not yours: the answer is the same, so ids cannot be probed.");
    public static readonly ProblemType MethodNotAllowed = new("method-not-allowed", 405, "Method not allowed.", "The endpoint does not take this HTTP method.");
    public static readonly ProblemType Conflict = new("conflict", 409, "The state changed.",
        "Someone else changed it first (decided, reported, revoked); read it again before retrying.");
    public static readonly ProblemType CardStopped = new("card-stopped", 409, "The card is already stopped.",
        "The card was removed or reported lost or stolen before, and a stop is final: a stopped card is never started again, and one reported lost or stolen is never removed instead. A card the bank blocked is not removed (its number would come back unblocked), though it may be reported lost or stolen. `cardStatus` says how it is stopped (removed, lost-or-stolen, blocked) and `stoppedUtc` since when.");
    public static readonly ProblemType IdempotencyInProgress = new("idempotency-in-progress", 409, "A request with this Idempotency-Key is still being processed.",
        "Retry after the time in Retry-After: you will receive the first request's response.");
    public static readonly ProblemType PayloadTooLarge = new("payload-too-large", 413, "The body is too large.", "Bodies are limited to 128 KiB.");
    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", 415, "Send JSON.", "Bodies must be `application/json`.");
    public static readonly ProblemType BusinessRule = new("business-rule", 422, "The request was understood but refused.",
        "A business rule refuses it (an expired card, an unknown merchant); `detail` says which.");
    public static readonly ProblemType InsufficientCredit = new("insufficient-credit", 422, "The card's available credit is too low.",
        "The payment is over the card's available credit. It is recorded as declined (declineReason insufficient-credit, nothing charged): `paymentId` and `payment` name it, `availableCredit` says what is left.");
    public static readonly ProblemType CardBlocked = new("card-blocked", 422, "The card is blocked by the bank.",
        "The card's issuer blocked it (suspected fraud, or at its holder's request); it takes no payments until the bank lifts the block. Nothing is recorded; the holder calls the number on the back of the card.");
    public static readonly ProblemType IdempotencyKeyReused = new("idempotency-key-reused", 422, "This Idempotency-Key was used with another request.",
        "An Idempotency-Key stands for one request (method, path and body) for 24 hours; use a new key for a new request.");
    public static readonly ProblemType RateLimited = new("rate-limited", 429, "Too many requests.", "Wait for the seconds in Retry-After.");
    public static readonly ProblemType ServerError = new("server-error", 500, "Something went wrong on our side.",
        "Nothing was recorded unless a later GET shows it; retry with the same Idempotency-Key. Quote `requestId` to support.");
    public static readonly ProblemType Unavailable = new("unavailable", 503, "The service cannot answer now.", "No model is serving, the database cannot be reached, or the service is starting or stopping; retry later (with the same Idempotency-Key for a payment).");

    public static IReadOnlyList<ProblemType> All { get; } =
        [Validation, Unauthorized, Forbidden, ConsentRequired, HttpsRequired, NotFound, MethodNotAllowed, Conflict, CardStopped, IdempotencyInProgress, PayloadTooLarge, UnsupportedMediaType,
         BusinessRule, InsufficientCredit, CardBlocked, IdempotencyKeyReused, RateLimited, ServerError, Unavailable];

    /// <summary>The default type for a status code (the first of that status above).</summary>
    public static ProblemType ForStatus(int status) => All.FirstOrDefault(t => t.Status == status)
        ?? (status >= 500 ? ServerError : new ProblemType("client-error", status, "The request was refused.", ""));

    /// <summary>The problem for an application service's failure: the type its reason names, else its code's.</summary>
    public static ProblemType For(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Reason is { } reason && All.FirstOrDefault(t => t.Name == reason) is { } type ? type : For(failure.Code);
    }

    /// <summary>The problem for an application service's failure code.</summary>
    public static ProblemType For(ErrorCode code) => code switch
    {
        ErrorCode.NotFound => NotFound,
        ErrorCode.Conflict => Conflict,
        ErrorCode.Unavailable => Unavailable,
        _ => BusinessRule,
    };

    /// <summary>Fills in type and title for a problem whose status is set (ASP.NET's own defaults link to RFC sections).</summary>
    public static void Describe(ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Type?.StartsWith(TypePrefix, StringComparison.Ordinal) == true)
        {
            // One title per type (RFC 9457 3.1.3), whichever part of the framework wrote the problem.
            if (All.FirstOrDefault(t => t.Uri == problem.Type) is { } known)
            {
                problem.Title = known.Title;
                problem.Detail ??= known.Description;
            }
            return;
        }
        var type = ForStatus(problem.Status ?? 500);
        problem.Type = type.Uri;
        problem.Title = type.Title;
        // Every problem has a detail (docs/api.md): the framework's own 413, 415 and 429 came without one.
        problem.Detail ??= type.Description;
    }
}
