// Contract stubs agreed between the learner, the features/CLI and the web work.
// The learner work replaces these bodies (and may split the file); signatures stay.
namespace FraudWeb.Domain.Learning;

/// <summary>A dense row-major feature matrix with 0/1 labels (NaN = missing value).</summary>
public sealed class Dataset
{
    public Dataset(float[] features, int rows, int columns, float[] labels, IReadOnlyList<string> featureNames, float[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(featureNames);
        if (features.Length != (long)rows * columns) throw new ArgumentException("features.Length must be rows * columns.", nameof(features));
        if (labels.Length != rows) throw new ArgumentException("labels.Length must be rows.", nameof(labels));
        if (featureNames.Count != columns) throw new ArgumentException("featureNames.Count must be columns.", nameof(featureNames));
        if (weights is not null && weights.Length != rows) throw new ArgumentException("weights.Length must be rows.", nameof(weights));
        Features = features;
        Rows = rows;
        Columns = columns;
        Labels = labels;
        FeatureNames = featureNames;
        Weights = weights;
    }

    public float[] Features { get; }
    public int Rows { get; }
    public int Columns { get; }
    public float[] Labels { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    public float[]? Weights { get; }

    public ReadOnlySpan<float> Row(int row) => Features.AsSpan(row * Columns, Columns);
}

/// <summary>FastTree's defaults.</summary>
public sealed record BoostedTreesOptions
{
    public int NumberOfTrees { get; init; } = 100;
    public int NumberOfLeaves { get; init; } = 20;
    public int MinimumExampleCountPerLeaf { get; init; } = 10;
    public double LearningRate { get; init; } = 0.2;
    public int MaximumBinCountPerFeature { get; init; } = 255;
    public double FeatureFraction { get; init; } = 1.0;
    public double BaggingFraction { get; init; } = 1.0;
    public int EarlyStoppingRounds { get; init; }
    public double PositiveClassWeight { get; init; } = 1.0;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int Seed { get; init; } = 42;
}

public static class BoostedTreesTrainer
{
    /// <summary>Trains on <paramref name="train"/>; <paramref name="validation"/> drives early stopping when given.</summary>
    public static BoostedTreesModel Train(Dataset train, BoostedTreesOptions options, Dataset? validation = null, IProgress<string>? progress = null)
        => throw new NotImplementedException();
}

public sealed class BoostedTreesModel : IFraudModel
{
    private BoostedTreesModel() => FeatureNames = [];

    public IReadOnlyList<string> FeatureNames { get; }
    public int TreeCount => throw new NotImplementedException();
    public double PredictMargin(ReadOnlySpan<float> features) => throw new NotImplementedException();
    public double PredictProbability(ReadOnlySpan<float> features) => throw new NotImplementedException();
    public double Explain(ReadOnlySpan<float> features, Span<double> contributions) => throw new NotImplementedException();

    /// <summary>Scores rows (row-major, FeatureNames.Count columns) into probabilities, using every core.</summary>
    public void PredictProbabilities(ReadOnlySpan<float> rows, Span<double> probabilities) => throw new NotImplementedException();

    /// <summary>Total split gain per feature, in FeatureNames order.</summary>
    public double[] FeatureImportance() => throw new NotImplementedException();
}

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

/// <summary>A model file is corrupt, truncated, of an unknown format version, or of another feature schema.</summary>
public sealed class ModelFormatException(string message, Exception? inner = null) : Exception(message, inner);

public static class ModelFile
{
    public static void Save(Stream stream, BoostedTreesModel model, ModelMetadata metadata) => throw new NotImplementedException();

    /// <summary>Loads and verifies a model; expectedFeatureNames, when given, must match the file's schema.</summary>
    public static (BoostedTreesModel Model, ModelMetadata Metadata) Load(Stream stream, IReadOnlyList<string>? expectedFeatureNames = null)
        => throw new NotImplementedException();
}
