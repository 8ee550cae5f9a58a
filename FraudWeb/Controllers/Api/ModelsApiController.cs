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
            // Stored by the trainer under its own names, some snake_case ("holdout_auc"): named in camelCase like the rest
            // of the API (API review).
            metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, double>>(model.MetricsJson) ?? []) metrics.TryAdd(CamelCase(name), value);
        }
        catch (JsonException)
        {
            metrics = [];
        }
        return new ServingModelResource(model.Version, model.CreatedUtc, model.ActivatedUtc, model.TrainingWindowStart, model.TrainingWindowEnd,
            model.TrainingRows, model.TrainingFrauds, metrics);
    }

    /// <summary>"holdout_auc" as "holdoutAuc", "validationRows" as it is.</summary>
    public static string CamelCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split('_', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return name;
        return string.Concat(parts.Select((p, i) => i == 0 ? char.ToLowerInvariant(p[0]) + p[1..] : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
