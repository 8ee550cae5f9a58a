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
