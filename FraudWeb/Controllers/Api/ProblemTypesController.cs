using FraudWeb.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers.Api;

/// <summary>What each problem type means: the problem details' <c>type</c> URIs resolve here.</summary>
[ApiController]
[Route("api/problems")]
[AllowAnonymous]
// No [Produces]: it would make an unknown type's 404 problem application/json instead of application/problem+json.
public sealed class ProblemTypesController : ControllerBase
{
    /// <summary>Describes a problem type: what its status means and what to do about it. Needs no key.</summary>
    /// <param name="name">The last segment of a problem's <c>type</c>, e.g. <c>insufficient-credit</c>.</param>
    [HttpGet("{name}")]
    [ProducesResponseType<ProblemTypeResource>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public ActionResult<ProblemTypeResource> Describe(string name)
    {
        var type = ApiProblems.All.FirstOrDefault(t => t.Name == name);
        return type is null ? NotFound() : new ProblemTypeResource(type.Uri, type.Status, type.Title, type.Description);
    }
}
