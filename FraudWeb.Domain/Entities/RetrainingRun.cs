namespace FraudWeb.Domain.Entities;

public enum RetrainingRunStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

public enum RetrainingTrigger
{
    Manual = 0,
    LabelThreshold = 1,
    Schedule = 2,
    Recovery = 3,
}

/// <summary>A persisted request to retrain, so queued work survives a restart.</summary>
public class RetrainingRun
{
    public const int ErrorMaxLength = 2000;

    private RetrainingRun() { }

    public long Id { get; private set; }
    public RetrainingRunStatus Status { get; private set; }
    public RetrainingTrigger Trigger { get; private set; }
    public string? RequestedBy { get; private set; }
    public DateTime RequestedUtc { get; private set; }
    public DateTime? StartedUtc { get; private set; }
    public DateTime? FinishedUtc { get; private set; }
    public string? Error { get; private set; }
    public string? Outcome { get; private set; }
    public string? ModelVersion { get; private set; }
    /// <summary>Confirmed labels in the database when this run was queued; the label-count trigger counts from it.</summary>
    public int LabelCountAtRequest { get; private set; }

    /// <summary>When the instance training this run last said it is still at it (the run's lease).</summary>
    public DateTime? HeartbeatUtc { get; private set; }

    public static RetrainingRun Queue(RetrainingTrigger trigger, string? requestedBy, DateTime nowUtc, int labelCount) => new()
    {
        Status = RetrainingRunStatus.Queued,
        Trigger = trigger,
        RequestedBy = requestedBy,
        RequestedUtc = nowUtc,
        LabelCountAtRequest = labelCount,
    };

    public bool IsFinished => Status is RetrainingRunStatus.Succeeded or RetrainingRunStatus.Failed;

    /// <summary>
    /// Queued -> Running. The retraining queue claims runs with one conditional UPDATE doing this same transition
    /// (only if nothing else is Running), so two workers never start two runs.
    /// </summary>
    public void Start(DateTime nowUtc)
    {
        EnsureIn(RetrainingRunStatus.Queued, "Only a queued run can start.");
        Status = RetrainingRunStatus.Running;
        StartedUtc = nowUtc;
        HeartbeatUtc = nowUtc;
    }

    /// <summary>Running, and its instance has not renewed the lease within <paramref name="lease"/>: it is gone.</summary>
    public bool IsAbandoned(DateTime nowUtc, TimeSpan lease) =>
        Status == RetrainingRunStatus.Running && (HeartbeatUtc ?? StartedUtc ?? RequestedUtc) + lease <= nowUtc;

    public void Succeed(string modelVersion, string outcome, DateTime nowUtc)
    {
        EnsureIn(RetrainingRunStatus.Running, "Only a running run can succeed.");
        Status = RetrainingRunStatus.Succeeded;
        ModelVersion = modelVersion;
        Outcome = outcome;
        FinishedUtc = nowUtc;
    }

    /// <summary>Running -> Failed: the training failed, or a stop cut it off (recovery at the next start).</summary>
    public void Fail(string error, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(error);
        EnsureIn(RetrainingRunStatus.Running, "Only a running run can fail.");
        Status = RetrainingRunStatus.Failed;
        Error = error.Length > ErrorMaxLength ? error[..ErrorMaxLength] : error;
        FinishedUtc = nowUtc;
    }

    private void EnsureIn(RetrainingRunStatus expected, string message)
    {
        if (Status == RetrainingRunStatus.Succeeded) throw new DomainException("This run has already succeeded.", DomainErrorCode.Final);
        if (Status == RetrainingRunStatus.Failed) throw new DomainException("This run has already failed.", DomainErrorCode.Final);
        if (Status != expected) throw new DomainException(message, DomainErrorCode.StateChanged);
    }
}
