using FraudWeb.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace FraudWeb.Api;

/// <summary>
/// Every error of the API is problem details, whatever the request's Accept header: the framework's writer declines a
/// request that does not accept JSON, and a 404, 405 or 413 then came as another shape or as plain text (API review).
/// </summary>
public sealed class ApiProblemDetailsWriter(IOptions<ProblemDetailsOptions> problems, IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ApiServiceCollectionExtensions.IsApi(context.HttpContext);
    }

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        problems.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json",
            context.HttpContext.RequestAborted));
    }
}
