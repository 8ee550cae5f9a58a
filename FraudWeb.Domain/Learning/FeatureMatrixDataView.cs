using Microsoft.ML;
using Microsoft.ML.Data;

namespace FraudWeb.Domain.Learning;

/// <summary>
/// A row-major float matrix seen by ML.NET as an <see cref="IDataView"/> with one fixed-size vector column
/// ("Features"), and optionally "Label" (Boolean) and "Weight" (Single). Rows are read straight from the arrays:
/// no copy per row object and no CSV round trip.
/// </summary>
internal sealed class FeatureMatrixDataView : IDataView
{
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";
    public const string WeightColumn = "Weight";

    private readonly float[] _features;
    private readonly float[]? _labels;
    private readonly float[]? _weights;
    private readonly int _rows;
    private readonly int _columns;

    public FeatureMatrixDataView(float[] features, int rows, int columns, float[]? labels = null, float[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length < (long)rows * columns) throw new ArgumentException("features holds fewer than rows * columns values.", nameof(features));
        if (labels is not null && labels.Length != rows) throw new ArgumentException("labels.Length must be rows.", nameof(labels));
        if (weights is not null && weights.Length != rows) throw new ArgumentException("weights.Length must be rows.", nameof(weights));
        _features = features;
        _labels = labels;
        _weights = weights;
        _rows = rows;
        _columns = columns;
        Schema = BuildSchema(columns, labels is not null, weights is not null);
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    /// <summary>The schema of a features-only view: what a saved model's input looks like.</summary>
    public static DataViewSchema BuildSchema(int columns, bool withLabel = false, bool withWeight = false)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FeaturesColumn, new VectorDataViewType(NumberDataViewType.Single, columns));
        if (withLabel) builder.AddColumn(LabelColumn, BooleanDataViewType.Instance);
        if (withWeight) builder.AddColumn(WeightColumn, NumberDataViewType.Single);
        return builder.ToSchema();
    }

    public long? GetRowCount() => _rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(FeatureMatrixDataView view) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= view._rows)
            {
                _position = view._rows;
                return false;
            }
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            Delegate getter = column.Name switch
            {
                FeaturesColumn => (ValueGetter<VBuffer<float>>)GetFeatures,
                LabelColumn when view._labels is not null => (ValueGetter<bool>)((ref bool value) => value = view._labels[_position] == 1),
                WeightColumn when view._weights is not null => (ValueGetter<float>)((ref float value) => value = view._weights[_position]),
                _ => throw new ArgumentOutOfRangeException(nameof(column), $"Unknown column '{column.Name}'."),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is not of type {typeof(TValue).Name}.");
        }

        private void GetFeatures(ref VBuffer<float> value)
        {
            int columns = view._columns;
            var editor = VBufferEditor.Create(ref value, columns);
            view._features.AsSpan((int)(_position * columns), columns).CopyTo(editor.Values);
            value = editor.Commit();
        }
    }
}
