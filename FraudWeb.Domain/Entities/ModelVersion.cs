namespace FraudWeb.Domain.Entities;

public enum ModelStatus
{
    /// <summary>Trained, not (yet) serving: a version an administrator may promote.</summary>
    Candidate = 0,
    Serving = 1,
    /// <summary>The challenger lost against the serving model; kept with its metrics.</summary>
    Rejected = 2,
    /// <summary>Served once, replaced since.</summary>
    Retired = 3,
}

/// <summary>
/// A trained model file registered for serving. At most one version is <see cref="ModelStatus.Serving"/>: promoting one
/// retires the one serving before (and a unique filtered index on Status stops two processes doing it at once). A
/// version whose file turned out missing or corrupt is marked unusable, with the reason: it never serves again.
/// </summary>
public class ModelVersion
{
    /// <summary>Longer reasons (an exception's message listing every feature) are cut to this.</summary>
    public const int UnusableReasonMaxLength = 500;
    public const int DecisionReasonMaxLength = 1000;

    private ModelVersion()
    {
        Version = FileName = MetricsJson = "";
    }

    public long Id { get; private set; }
    public string Version { get; private set; }
    /// <summary>File name under the data directory's models folder.</summary>
    public string FileName { get; private set; }
    public DateTime CreatedUtc { get; private set; }
    public int TrainingRows { get; private set; }
    public int TrainingFrauds { get; private set; }
    public string MetricsJson { get; private set; }
    /// <summary>When it last started serving; rollback serves the latest one before the current one.</summary>
    public DateTime? ActivatedUtc { get; private set; }
    public ModelStatus Status { get; private set; }
    /// <summary>Who or what asked for it: "first start", "manual: alice@example", "label threshold", "schedule".</summary>
    public string? Trigger { get; private set; }
    public DateTime? TrainingWindowStart { get; private set; }
    public DateTime? TrainingWindowEnd { get; private set; }
    /// <summary>
    /// Its holdout: the days it was not trained on, on which the next challenger is compared with it (null before
    /// 2026-12-04, and for a version not trained by the retraining pipeline).
    /// </summary>
    public DateTime? HoldoutStartUtc { get; private set; }
    public DateTime? HoldoutEndUtc { get; private set; }
    /// <summary>Label counts (confirmed fraud / legitimate, matured legitimate, excluded) as JSON.</summary>
    public string? LabelsJson { get; private set; }
    public string? DecisionReason { get; private set; }
    /// <summary>Why its model cannot serve ("The model file is missing.", ...), in English as recorded; null while usable.</summary>
    public string? UnusableReason { get; private set; }
    public DateTime? UnusableSinceUtc { get; private set; }

    /// <summary>
    /// The version this one replaced when it was last promoted (null: none served, or before 2026-12-03). A rollback
    /// goes back to it and keeps it, so rolling back again goes further back instead of returning.
    /// </summary>
    public long? ReplacedVersionId { get; private set; }

    public bool IsServing => Status == ModelStatus.Serving;
    public bool IsUsable => UnusableReason is null;

    public static ModelVersion Register(string version, string fileName, DateTime createdUtc, int trainingRows, int trainingFrauds, string metricsJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        return new ModelVersion
        {
            Version = version,
            FileName = fileName,
            CreatedUtc = createdUtc,
            TrainingRows = trainingRows,
            TrainingFrauds = trainingFrauds,
            MetricsJson = string.IsNullOrWhiteSpace(metricsJson) ? "{}" : metricsJson,
            Status = ModelStatus.Candidate,
        };
    }

    public void Describe(string trigger, DateTime windowStart, DateTime windowEnd, string labelsJson, string decisionReason)
    {
        Trigger = trigger;
        TrainingWindowStart = windowStart;
        TrainingWindowEnd = windowEnd;
        LabelsJson = labelsJson;
        // A reason may quote a model file's message (feature lists): cut to the column, never refused by it.
        DecisionReason = Fit(decisionReason, DecisionReasonMaxLength);
    }

    /// <summary>Records the days it was not trained on (<see cref="HoldoutStartUtc"/>).</summary>
    public void RecordHoldout(DateTime startUtc, DateTime endUtc)
    {
        if (endUtc <= startUtc) throw new ArgumentException("A holdout ends after it starts.", nameof(endUtc));
        HoldoutStartUtc = startUtc;
        HoldoutEndUtc = endUtc;
    }

    /// <summary>
    /// Serves this version in place of <paramref name="serving"/> (the one serving now, null when none), which is
    /// retired. Any usable version not serving may be promoted: a rejected challenger by an administrator, a retired
    /// one by rollback; whether its file can still serve is the caller's check (a failed one is marked unusable).
    /// </summary>
    /// <param name="goingBack">
    /// A rollback or the system's fallback to an earlier version: what this version replaced when it was promoted stays
    /// its predecessor (a promotion records the version it replaces).
    /// </param>
    public void Promote(ModelVersion? serving, DateTime nowUtc, bool goingBack = false)
    {
        // The same row read twice (a stale copy of this version while it already serves) is refused too.
        if (IsServing || (serving is not null && (ReferenceEquals(serving, this) || (Id != 0 && serving.Id == Id))))
            throw new DomainException("This version is already serving.", DomainErrorCode.StateChanged);
        // Its file was found missing or corrupt: serving it would leave payments without a model.
        if (!IsUsable) throw new DomainException("This version is marked unusable and cannot serve.", DomainErrorCode.StateChanged);
        if (serving is not null)
        {
            if (!serving.IsServing) throw new DomainException("The version to replace is not the serving one.", DomainErrorCode.StateChanged);
            serving.Retire();
        }
        if (!goingBack) ReplacedVersionId = serving?.Id;
        Status = ModelStatus.Serving;
        ActivatedUtc = nowUtc;
    }

    /// <summary>Takes the serving version out of service; it stays promotable (rollback).</summary>
    public void Retire()
    {
        if (!IsServing) throw new DomainException("Only the serving version can be retired.", DomainErrorCode.StateChanged);
        Status = ModelStatus.Retired;
    }

    /// <summary>
    /// Records why this version's model cannot serve (its file is missing or corrupt). A serving version is retired at
    /// the same time, so the registry never names an unusable version as serving. Marking again keeps the first reason
    /// and time: several instances (or polls) may find the same shared file bad.
    /// </summary>
    public void MarkUnusable(string reason, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!IsUsable) return;
        if (IsServing) Retire();
        UnusableReason = Fit(reason, UnusableReasonMaxLength);
        UnusableSinceUtc = nowUtc;
    }

    /// <summary>A new challenger lost against the serving model: kept with its metrics, never served.</summary>
    public void Reject()
    {
        if (Status != ModelStatus.Candidate) throw new DomainException("Only a new candidate can be rejected.", DomainErrorCode.StateChanged);
        Status = ModelStatus.Rejected;
    }

    private static string Fit(string text, int maxLength)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= maxLength ? trimmed : string.Concat(trimmed.AsSpan(0, maxLength - 1), "…");
    }
}
