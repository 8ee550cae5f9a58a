using FraudWeb.Services.Models;

namespace FraudWeb.Api;

/// <summary>The API's views of the model registry (what the view-model builders are to pages).</summary>
public static class ModelResources
{
    /// <summary>The serving version as the API shows it.</summary>
    public static ServingModelResource Serving(ServingVersionSummary serving)
    {
        ArgumentNullException.ThrowIfNull(serving);
        var model = serving.Model;
        // Stored by the trainer under its own names, some snake_case ("holdout_auc"): named in camelCase like the rest
        // of the API (API review); the first of two names that meet wins.
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in serving.HoldoutMetrics) metrics.TryAdd(CamelCase(name), value);
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
