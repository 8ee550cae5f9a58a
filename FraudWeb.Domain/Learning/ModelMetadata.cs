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

    /// <summary>
    /// The label delay (Scoring:LabelDelayDays) the terminal features were computed with: they count only what is
    /// known that long ago, so a model serves only where the delay is the same. Null for a model trained on a feature
    /// table (its features are the table's), and for a file before format 5, which did not record it.
    /// </summary>
    public int? LabelDelayDays { get; init; }
}
