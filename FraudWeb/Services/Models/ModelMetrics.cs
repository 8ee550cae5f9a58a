using System.Text.Json;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Services.Models;

/// <summary>The serving version with its holdout metrics read from the registry's record.</summary>
public sealed record ServingVersionSummary(ModelVersion Model, IReadOnlyDictionary<string, double> HoldoutMetrics);

/// <summary>A version's recorded metrics (<see cref="ModelVersion.MetricsJson"/>), by the names the trainer gave them.</summary>
public static class ModelMetrics
{
    /// <summary>The metrics in the order recorded; none when the record cannot be read (a damaged row breaks no page or API call).</summary>
    public static Dictionary<string, double> Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, double>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
