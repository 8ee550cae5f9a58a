using FraudWeb.Domain.Entities;
using FraudWeb.Services.Models;

namespace FraudWeb.ViewModels.Models;

public sealed record ModelVersionRow(
    long Id,
    string Version,
    ModelStatus Status,
    string? Trigger,
    DateTime CreatedUtc,
    DateTime? PromotedUtc,
    DateTime? WindowStart,
    DateTime? WindowEnd,
    int TrainingRows,
    int TrainingFrauds,
    string? Labels,
    IReadOnlyDictionary<string, double> Metrics,
    string? DecisionReason);

public sealed record RetrainingRunRow(long Id, RetrainingRunStatus Status, RetrainingTrigger Trigger, string? RequestedBy,
    DateTime RequestedUtc, DateTime? StartedUtc, DateTime? FinishedUtc, string? ModelVersion, string? Outcome, string? Error);

public sealed class ModelDashboardViewModel
{
    public ModelVersionRow? Serving { get; init; }
    /// <summary>Serialised as is for the page's charts script.</summary>
    public ModelCharts? Charts { get; init; }
    public required IReadOnlyList<ModelVersionRow> Versions { get; init; }
    public required IReadOnlyList<RetrainingRunRow> Runs { get; init; }
    public bool CanRetrain { get; init; }
    public bool CanManage { get; init; }
    /// <summary>The instance that built this page and the version it serves (the same as the registry's within seconds).</summary>
    public required string Instance { get; init; }
    public string? InstanceServing { get; init; }
}
