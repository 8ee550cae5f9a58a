using FraudWeb.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers.Api;

/// <summary>What each problem type means: the problem details' <c>type</c> URIs resolve here.</summary>
[ApiController]
[Route("api/problems")]
[AllowAnonymous]
// No [Produces]: it would make an unknown type's 404 problem application/json instead of application/problem+json.
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class ProblemTypesController : ControllerBase
{
    [HttpGet("{name}")]
    public ActionResult<ProblemTypeResource> Describe(string name)
    {
        var type = ApiProblems.All.FirstOrDefault(t => t.Name == name);
        return type is null ? NotFound() : new ProblemTypeResource(type.Uri, type.Status, type.Title, type.Description);
    }
}
