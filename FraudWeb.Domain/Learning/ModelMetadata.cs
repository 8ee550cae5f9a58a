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
}
