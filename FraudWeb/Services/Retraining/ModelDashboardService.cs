using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure;
using FraudWeb.ViewModels.Models;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Retraining;

/// <summary>The model registry and the serving model's charts for the dashboard.</summary>
public sealed class ModelDashboardService(FraudDbContext db, FraudWebPaths paths)
{
    public const string ChartsSuffix = ".charts.json";

    public async Task<ModelDashboardViewModel> GetAsync(bool canRetrain, bool canManage, CancellationToken cancellationToken)
    {
        var versions = await db.ModelVersions.AsNoTracking().OrderByDescending(m => m.CreatedUtc).ThenByDescending(m => m.Id).Take(50)
            .ToListAsync(cancellationToken);
        var rows = versions.ConvertAll(Row);
        var runs = await db.RetrainingRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(20).ToListAsync(cancellationToken);
        var serving = versions.Find(v => v.IsActive);
        return new ModelDashboardViewModel
        {
            Serving = serving is null ? null : Row(serving),
            Charts = serving is null ? null : await ReadChartsAsync(serving.FileName, cancellationToken),
            Versions = rows,
            Runs = runs.ConvertAll(r => new RetrainingRunRow(r.Id, r.Status, r.Trigger, r.RequestedBy, r.RequestedUtc, r.StartedUtc,
                r.FinishedUtc, r.ModelVersion, r.Outcome, r.Error)),
            CanRetrain = canRetrain,
            CanManage = canManage,
        };
    }

    private async Task<ModelCharts?> ReadChartsAsync(string modelFile, CancellationToken cancellationToken)
    {
        var path = Path.Combine(paths.ModelsDirectory, modelFile + ChartsSuffix);
        if (!File.Exists(path)) return null;
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<ModelCharts>(stream, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            // Charts are optional: a damaged file hides them, the registry still shows.
            return null;
        }
    }

    private static ModelVersionRow Row(ModelVersion m)
    {
        Dictionary<string, double> metrics;
        try
        {
            metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(m.MetricsJson) ?? [];
        }
        catch (JsonException)
        {
            metrics = [];
        }
        return new ModelVersionRow(m.Id, m.Version, m.Status, m.Trigger, m.CreatedUtc, m.ActivatedUtc, m.TrainingWindowStart, m.TrainingWindowEnd,
            m.TrainingRows, m.TrainingFrauds, m.LabelsJson, metrics, m.DecisionReason);
    }
}
