using System.Text.Json;
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
        var model = await registry.ServingVersionAsync(cancellationToken);
        if (model is null) return Problem(Services.Result.Fail(Services.ErrorCode.Unavailable, "No model is serving yet."));
        Dictionary<string, double> metrics;
        try
        {
            metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(model.MetricsJson) ?? [];
        }
        catch (JsonException)
        {
            metrics = [];
        }
        return new ServingModelResource(model.Version, model.CreatedUtc, model.ActivatedUtc, model.TrainingWindowStart, model.TrainingWindowEnd,
            model.TrainingRows, model.TrainingFrauds, metrics);
    }
}
