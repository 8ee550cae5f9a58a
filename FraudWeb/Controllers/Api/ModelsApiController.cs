using FraudWeb.Api;
using FraudWeb.Services.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers.Api;

[Route("api/v1/models"), Tags("Models")]
public sealed class ModelsApiController(ModelRegistry registry) : ApiControllerBase
{
    /// <summary>The model scoring payments now: version, training window and holdout metrics.</summary>
    [HttpGet("serving")]
    [Authorize(Policy = ApiPolicies.ModelsRead)]
    [ProducesResponseType<ServingModelResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<ActionResult<ServingModelResource>> Serving(CancellationToken cancellationToken)
    {
        var serving = await registry.ServingSummaryAsync(cancellationToken);
        if (!serving.Succeeded) return Problem(serving);
        return ModelResources.Serving(serving.Value);
    }
}
