namespace FraudWeb.Domain.Entities;

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
        };
    }

    public void Activate(DateTime nowUtc)
    {
        IsActive = true;
        ActivatedUtc = nowUtc;
    }

    public void Deactivate() => IsActive = false;
}
