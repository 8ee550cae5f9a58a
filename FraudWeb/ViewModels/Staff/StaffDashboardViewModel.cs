using FraudWeb.Domain.Entities;

namespace FraudWeb.ViewModels.Staff;

/// <summary>
/// Where staff land: one panel per kind of work they may do, each with the figures that say whether it needs them
/// now. A panel is null when the person does not hold its permission.
/// </summary>
public sealed class StaffDashboardViewModel
{
    public QueuePanel? Queue { get; init; }
    public ModelPanel? Model { get; init; }
    public UsersPanel? Users { get; init; }
    public RulesPanel? Rules { get; init; }
    public bool CanReadAudit { get; init; }
    /// <summary>Holds cards.block: the card lookup is their way to a holder's card (docs/decisions/0030).</summary>
    public bool CanBlockCards { get; init; }
}

/// <summary>What waits in the review queue: open reports, held payments nobody reported, and the oldest wait.</summary>
public sealed record QueuePanel(int OpenReports, int HeldPayments, DateTime? OldestSinceUtc, int AssignedToMe)
{
    public int Total => OpenReports + HeldPayments;
}

/// <summary>The serving model's health: its version and holdout metrics, and the latest retraining run.</summary>
public sealed record ModelPanel(string? ServingVersion, DateTime? ServingSinceUtc, double? HoldoutAuc, double? HoldoutAp, LatestRun? LastRun, string? InstanceServing);

/// <param name="Attempt">1 for a run requested anew, more for a retry of a failed one.</param>
/// <param name="MaxAttempts">Retraining:MaxAttempts, the attempts a run gets in all.</param>
/// <param name="WaitsUntilUtc">For a queued retry waiting out its backoff: when it may run; else null.</param>
public sealed record LatestRun(long Id, RetrainingRunStatus Status, DateTime AtUtc, string? Error, int Attempt = 1, int MaxAttempts = 1, DateTime? WaitsUntilUtc = null)
{
    /// <summary>A retry, or a failure the policy may retry: the panel says which attempt it was.</summary>
    public bool ShowsAttempt => Attempt > 1 || (Status == RetrainingRunStatus.Failed && MaxAttempts > 1);

    /// <summary>Retraining:MaxAttempts may have been lowered since the run was queued.</summary>
    public int AttemptsInAll => Math.Max(MaxAttempts, Attempt);
}

public sealed record UsersPanel(int Accounts, int Staff, int Locked);

/// <summary>Rules by what they wait for: drafts not yet backtested in their current version, and drafts backtested and
/// waiting to be enabled.</summary>
public sealed record RulesPanel(int Enabled, int AwaitingBacktest, int AwaitingEnable);
