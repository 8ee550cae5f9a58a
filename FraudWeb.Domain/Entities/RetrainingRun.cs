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

/// <summary>
/// A persisted request to retrain, so queued work survives a restart. A failed run may be retried by a new run
/// (<see cref="RetryOf"/>) that counts the attempts and waits out a backoff before the queue claims it.
/// </summary>
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

    /// <summary>1 for a run requested anew; a retry is the failed run's attempt plus one.</summary>
    public int Attempt { get; private set; } = 1;

    /// <summary>A retry waits out its backoff: the queue does not claim it before this. Null: as soon as possible.</summary>
    public DateTime? NotBeforeUtc { get; private set; }

    /// <summary>The failed (or interrupted) run this one retries; null for a run requested anew.</summary>
    public long? RetryOfRunId { get; private set; }

    public static RetrainingRun Queue(RetrainingTrigger trigger, string? requestedBy, DateTime nowUtc, int labelCount) => new()
    {
        Status = RetrainingRunStatus.Queued,
        Trigger = trigger,
        RequestedBy = requestedBy,
        RequestedUtc = nowUtc,
        LabelCountAtRequest = labelCount,
    };

    /// <summary>
    /// The run that takes over an interrupted one (its instance stopped or died): a recovery with its requester, linked
    /// to it (fraud-operations test: the recovery showed no one and nothing of the run it replaced). A first attempt:
    /// the interruption was not the training's failure.
    /// </summary>
    public static RetrainingRun RecoveryOf(RetrainingRun interrupted, DateTime nowUtc, int labelCount)
    {
        ArgumentNullException.ThrowIfNull(interrupted);
        return new RetrainingRun
        {
            Status = RetrainingRunStatus.Queued,
            Trigger = RetrainingTrigger.Recovery,
            RequestedBy = interrupted.RequestedBy,
            RequestedUtc = nowUtc,
            LabelCountAtRequest = labelCount,
            RetryOfRunId = interrupted.Id,
        };
    }

    /// <summary>
    /// The next attempt of a failed run: queued with the same trigger and requester, not before
    /// <paramref name="backoff"/> doubled for each attempt already made (<see cref="RetryDelay"/>). Refused when the
    /// run has not failed or has used <paramref name="maxAttempts"/>.
    /// </summary>
    public static RetrainingRun RetryOf(RetrainingRun failed, DateTime nowUtc, TimeSpan backoff, int maxAttempts)
    {
        ArgumentNullException.ThrowIfNull(failed);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        if (failed.Status != RetrainingRunStatus.Failed) throw new DomainException("Only a failed run can be retried.", DomainErrorCode.StateChanged);
        if (!failed.CanRetry(maxAttempts)) throw DomainException.Format(DomainErrorCode.Final, "This run has used all {0} attempts.", maxAttempts);
        return new RetrainingRun
        {
            Status = RetrainingRunStatus.Queued,
            Trigger = failed.Trigger,
            RequestedBy = failed.RequestedBy,
            RequestedUtc = nowUtc,
            // The same request tried again: the label-count trigger keeps counting from the original one.
            LabelCountAtRequest = failed.LabelCountAtRequest,
            Attempt = failed.Attempt + 1,
            NotBeforeUtc = nowUtc + RetryDelay(failed.Attempt, backoff),
            RetryOfRunId = failed.Id,
        };
    }

    /// <summary>The wait before retrying attempt <paramref name="failedAttempt"/>: backoff, then twice it, four times...</summary>
    public static TimeSpan RetryDelay(int failedAttempt, TimeSpan backoff)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        return backoff * Math.Pow(2, failedAttempt - 1);
    }

    /// <summary>Failed with attempts left under <paramref name="maxAttempts"/> (the first attempt included).</summary>
    public bool CanRetry(int maxAttempts) => Status == RetrainingRunStatus.Failed && Attempt < maxAttempts;

    /// <summary>Queued but waiting out a retry's backoff at <paramref name="nowUtc"/>.</summary>
    public bool IsWaiting(DateTime nowUtc) => Status == RetrainingRunStatus.Queued && NotBeforeUtc > nowUtc;

    /// <summary>
    /// A queued retry no longer waits out its backoff (someone asked for a run now); false when it was not waiting.
    /// </summary>
    public bool RunNow(DateTime nowUtc)
    {
        EnsureIn(RetrainingRunStatus.Queued, "Only a queued run can be brought forward.");
        if (!IsWaiting(nowUtc)) return false;
        NotBeforeUtc = null;
        return true;
    }

    public bool IsFinished => Status is RetrainingRunStatus.Succeeded or RetrainingRunStatus.Failed;

    /// <summary>
    /// Queued -> Running. The retraining queue claims runs with one conditional UPDATE doing this same transition
    /// (only if nothing else is Running and its backoff has passed), so two workers never start two runs.
    /// </summary>
    public void Start(DateTime nowUtc)
    {
        EnsureIn(RetrainingRunStatus.Queued, "Only a queued run can start.");
        if (IsWaiting(nowUtc)) throw new DomainException("This retry cannot start before its backoff has passed.", DomainErrorCode.StateChanged);
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
