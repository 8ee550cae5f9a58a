namespace FraudWeb.Domain.Learning;

/// <summary>What a model file records beside the trees.</summary>
public sealed record ModelMetadata
{
    public string Version { get; init; } = "";
    public DateTime CreatedUtc { get; init; }
    public DateTime? TrainingWindowStart { get; init; }
    public DateTime? TrainingWindowEnd { get; init; }
    public int TrainingRows { get; init; }
    public int TrainingFrauds { get; init; }
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// The issuer's time zone (Scoring:TimeZone) on whose clock the night and weekend features were computed: a model
    /// serves only where that clock is the same. A format-3 file predates the record and reads as UTC, the only clock then.
    /// </summary>
    public string TimeZone { get; init; } = "UTC";
}
