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

/// <summary>A trained model file registered for serving.</summary>
public class ModelVersion
{
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
    public bool IsActive { get; private set; }
    public DateTime? ActivatedUtc { get; private set; }
    public ModelStatus Status { get; private set; }
    /// <summary>Who or what asked for it: "first start", "manual: alice@example", "label threshold", "schedule".</summary>
    public string? Trigger { get; private set; }
    public DateTime? TrainingWindowStart { get; private set; }
    public DateTime? TrainingWindowEnd { get; private set; }
    /// <summary>Label counts (confirmed fraud / legitimate, matured legitimate, excluded) as JSON.</summary>
    public string? LabelsJson { get; private set; }
    public string? DecisionReason { get; private set; }

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
        DecisionReason = decisionReason;
    }

    public void Activate(DateTime nowUtc)
    {
        IsActive = true;
        ActivatedUtc = nowUtc;
        Status = ModelStatus.Serving;
    }

    public void Deactivate()
    {
        IsActive = false;
        if (Status == ModelStatus.Serving) Status = ModelStatus.Retired;
    }

    public void Reject() => Status = ModelStatus.Rejected;
}
