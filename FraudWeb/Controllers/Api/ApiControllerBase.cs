using FraudWeb.Api;
using FraudWeb.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using FraudWeb.Infrastructure;

namespace FraudWeb.Controllers.Api;

/// <summary>
/// What every /api/v1 controller shares: JSON in and out, API keys only (each action names its scope policy), no
/// antiforgery (no cookies are accepted, so there is no CSRF to guard against), the per-key rate limit, and the
/// problem details every endpoint can answer.
/// </summary>
[ApiController]
[IgnoreAntiforgeryToken]
[EnableRateLimiting(RateLimitPolicies.Api)]
[SingleQueryValues]
[StrictIntegers]
[Rfc3339QueryTimes]
[ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
public abstract class ApiControllerBase : ControllerBase
{
    /// <summary>The problem for an application service's failure: its type, its message, and the field it names.</summary>
    protected ObjectResult Problem(Result failed)
    {
        ArgumentNullException.ThrowIfNull(failed);
        var type = ApiProblems.For(failed.Errors[0]);
        var fields = failed.Errors.Where(e => e.Field.Length > 0).ToList();
        ProblemDetails problem;
        if (fields.Count > 0)
        {
            var state = new ModelStateDictionary();
            foreach (var error in fields) state.AddModelError(JsonName(error.Field), error.Message);
            problem = ProblemDetailsFactory.CreateValidationProblemDetails(HttpContext, state, type.Status, type.Title, type.Uri, failed.Errors[0].Message);
        }
        else
        {
            problem = ProblemDetailsFactory.CreateProblemDetails(HttpContext, type.Status, type.Title, type.Uri, failed.Errors[0].Message);
        }
        // Every 503 says when to come back (the contract declares it), as a database fault's does.
        if (type.Status == StatusCodes.Status503ServiceUnavailable) Response.Headers.RetryAfter = Infrastructure.Database.DatabaseFaults.RetryAfterSeconds;
        return new ObjectResult(problem) { StatusCode = type.Status, ContentTypes = { "application/problem+json" } };
    }

    /// <summary>A problem of a given type with its standard description.</summary>
    protected ObjectResult Problem(ApiProblems.ProblemType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var problem = ProblemDetailsFactory.CreateProblemDetails(HttpContext, type.Status, type.Title, type.Uri, type.Description);
        return new ObjectResult(problem) { StatusCode = type.Status, ContentTypes = { "application/problem+json" } };
    }

    /// <summary>A validation problem about one field of the request.</summary>
    protected ObjectResult FieldProblem(string field, string message)
    {
        var state = new ModelStateDictionary();
        state.AddModelError(field, message);
        var problem = ProblemDetailsFactory.CreateValidationProblemDetails(HttpContext, state, StatusCodes.Status400BadRequest,
            ApiProblems.Validation.Title, ApiProblems.Validation.Uri, message);
        return new ObjectResult(problem) { StatusCode = StatusCodes.Status400BadRequest, ContentTypes = { "application/problem+json" } };
    }

    private static string JsonName(string field) => field.Length == 0 ? field : char.ToLowerInvariant(field[0]) + field[1..];
}
