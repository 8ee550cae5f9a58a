using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Api;

/// <summary>
/// A query parameter given more than once is a 400 naming it, before anything binds. Binding took the first value of
/// some (<c>cardId=1&amp;cardId=2</c> listed card 1) and joined others (<c>from</c> became "a,b" and was refused as
/// a bad time): one rule for all, and no guess at which value the client meant.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SingleQueryValuesAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var repeated = http.Request.Query.Where(q => q.Value.Count > 1).Select(q => q.Key).ToList();
        if (repeated.Count == 0) return;
        var state = new ModelStateDictionary();
        foreach (var name in repeated) state.AddModelError(name, $"Give '{name}' once.");
        var problem = http.RequestServices.GetRequiredService<ProblemDetailsFactory>().CreateValidationProblemDetails(http, state,
            StatusCodes.Status400BadRequest, ApiProblems.Validation.Title, ApiProblems.Validation.Uri, $"Give '{repeated[0]}' once.");
        context.Result = new ObjectResult(problem) { StatusCode = StatusCodes.Status400BadRequest, ContentTypes = { "application/problem+json" } };
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
