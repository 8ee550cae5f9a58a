using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Models;
using FraudWeb.Services.Retraining;
using FraudWeb.ViewModels.Models;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The models page: the registry's latest versions, the serving one's charts and the retraining queue.</summary>
public sealed class ModelDashboardViewModelBuilder(
    ModelRegistry registry,
    ModelChartsStore charts,
    RetrainingService retraining,
    IServingModel servingModel,
    TimeProvider clock,
    LocalTime time)
{
    public const int Versions = 50;
    public const int Runs = 20;

    public async Task<ModelDashboardViewModel> BuildAsync(bool canRetrain, bool canManage, CancellationToken cancellationToken)
    {
        var versions = await registry.RecentVersionsAsync(Versions, cancellationToken);
        var runs = await retraining.RecentRunsAsync(Runs, cancellationToken);
        // The serving version whatever its age: a rollback to an old one, or fifty rejected challengers since, would
        // otherwise leave the page saying nothing serves.
        var serving = versions.Find(v => v.IsServing) ?? await registry.ServingVersionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = versions.Select(v => v.Id).Append(serving?.Id ?? 0).Distinct().ToList();
        var swaps = await registry.LatestStaffSwapsAsync(ids, cancellationToken);
        var promotingRuns = await registry.PromotingRunsAsync(ids, cancellationToken);
        // Checked for the versions not already known unusable (a retired format is refused when pressed, otherwise).
        var retired = await registry.RetiredFormatsAsync(versions.Where(v => v.UnusableReason is null).Select(v => v.FileName).ToList(), cancellationToken);
        ModelVersionRow Row(ModelVersion m) => RecordedRow(m) with
        {
            StaffSwap = swaps.GetValueOrDefault(m.Id),
            PromotedByRun = promotingRuns.TryGetValue(m.Id, out var run) ? run : null,
            RetiredFormat = retired.TryGetValue(m.FileName, out var format) ? format : null,
        };
        return new ModelDashboardViewModel
        {
            Serving = serving is null ? null : Row(serving),
            Charts = serving is null ? null : await charts.ReadAsync(serving.FileName, cancellationToken),
            Versions = versions.ConvertAll(Row),
            Runs = runs.ConvertAll(r => new RetrainingRunRow(r.Id, r.Status, r.Trigger, r.RequestedBy, r.RequestedUtc, r.StartedUtc,
                r.FinishedUtc, r.ModelVersion, r.Outcome, r.Error, r.Attempt, retraining.MaxAttempts,
                r.IsWaiting(now) && r.NotBeforeUtc is { } after ? time.FormatSeconds(after) : null) { RetryOf = r.RetryOfRunId }),
            CanRetrain = canRetrain,
            CanManage = canManage,
            // Offered only when there is a version to go back to (was: offered, then refused, on a new installation).
            CanRollBack = canManage && await registry.CanRollBackAsync(cancellationToken),
            Instance = Infrastructure.Health.HealthServiceCollectionExtensions.InstanceName,
            InstanceServing = servingModel.Current?.Version,
        };
    }

    /// <summary>A version's recorded metrics by name; none when the record cannot be read.</summary>
    public static Dictionary<string, double> MetricsOf(string json) => ModelMetrics.Read(json);

    private static ModelVersionRow RecordedRow(ModelVersion m)
    {
        var metrics = MetricsOf(m.MetricsJson);
        return new ModelVersionRow(m.Id, m.Version, m.Status, m.Trigger, m.CreatedUtc, m.ActivatedUtc, m.TrainingWindowStart, m.TrainingWindowEnd,
            m.TrainingRows, m.TrainingFrauds, m.LabelsJson, metrics, m.DecisionReason, m.UnusableReason, m.UnusableSinceUtc);
    }
}
