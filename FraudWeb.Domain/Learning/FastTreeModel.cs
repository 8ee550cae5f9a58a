using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using MlTree = Microsoft.ML.Trainers.FastTree.RegressionTree;

namespace FraudWeb.Domain.Learning;

/// <summary>
/// A trained ML.NET FastTree binary model. Scores come from ML.NET: single rows through pooled
/// <see cref="PredictionEngine{TSrc, TDst}"/>s (an engine is not thread-safe, so each caller borrows one), batches
/// through the transformer. Explanations are exact TreeSHAP over the same trees, read from ML.NET's ensemble, with
/// node covers recomputed from the training rows (ML.NET keeps none). Immutable and thread-safe: one instance serves
/// every request, and a promotion replaces the whole instance, pool included.
/// </summary>
public sealed class FastTreeModel : IFraudModel
{
    private const int MaxPathStackElements = 512;

    private readonly ITransformer _transformer;
    private readonly DataViewSchema _inputSchema;
    private readonly MLContext _ml;
    private readonly RegressionTree[] _trees;
    private readonly ShapTable?[] _shapTables;
    private readonly double _bias;
    private readonly double _expectedMargin;
    private readonly int _maxDepth;
    private readonly int _featureCount;
    private readonly ObjectPool<ScoringSession> _sessions;

    private FastTreeModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, string[] featureNames,
        double bias, RegressionTree[] trees, double sigmoidSlope)
    {
        _ml = ml;
        _transformer = transformer;
        _inputSchema = inputSchema;
        FeatureNames = Array.AsReadOnly(featureNames);
        _featureCount = featureNames.Length;
        _bias = bias;
        _trees = trees;
        SigmoidSlope = sigmoidSlope;
        _expectedMargin = bias;
        _shapTables = Array.ConvertAll(trees, t => ShapTable.TryBuild(t, featureNames.Length));
        foreach (var tree in trees)
        {
            _expectedMargin += tree.ExpectedValue();
            _maxDepth = Math.Max(_maxDepth, Depth(tree, tree.Root));
        }
        var definition = SchemaDefinition.Create(typeof(ScoringInput));
        definition[nameof(ScoringInput.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _featureCount);
        _sessions = new DefaultObjectPool<ScoringSession>(new SessionPolicy(this, definition), Math.Max(4, Environment.ProcessorCount * 4));
    }

    public IReadOnlyList<string> FeatureNames { get; }

    public int TreeCount => _trees.Length;

    /// <summary>ML.NET's Platt calibrator: probability = 1 / (1 + exp(-SigmoidSlope x score)), slope = 2 x learning rate for FastTree.</summary>
    public double SigmoidSlope { get; }

    /// <summary>ML.NET's ensemble bias (the score before any tree).</summary>
    internal double Bias => _bias;

    internal ITransformer Transformer => _transformer;

    internal DataViewSchema InputSchema => _inputSchema;

    internal MLContext Context => _ml;

    /// <summary>The trees as TreeSHAP walks them (leaf values already scaled by ML.NET's tree weights).</summary>
    internal IReadOnlyList<RegressionTree> Trees => _trees;

    /// <summary>Wraps a trained or loaded ML.NET FastTree transformer; covers: per tree, node and leaf covers.</summary>
    internal static FastTreeModel Create(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, string[] featureNames,
        IReadOnlyList<(double[] Nodes, double[] Leaves)> covers)
    {
        var (ensemble, calibrator) = Unwrap(transformer);
        if (inputSchema.GetColumnOrNull(FeatureMatrixDataView.FeaturesColumn) is not { Type: VectorDataViewType { Size: var size } } || size != featureNames.Length)
            throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture,
                $"The ML.NET model's input is not a vector of the {featureNames.Length} features it is registered with."));
        if (covers.Count != ensemble.Trees.Count)
            throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture,
                $"The ML.NET model has {ensemble.Trees.Count} trees but covers are stored for {covers.Count}."));
        var trees = new RegressionTree[ensemble.Trees.Count];
        for (int t = 0; t < trees.Length; t++)
        {
            trees[t] = Convert(ensemble.Trees[t], ensemble.TreeWeights[t], covers[t].Nodes, covers[t].Leaves);
            if (trees[t].FindStructureError(featureNames.Length) is { } error)
                throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture, $"Tree {t} of the ML.NET model is invalid: {error}."));
        }
        return new FastTreeModel(ml, transformer, inputSchema, featureNames, ensemble.Bias, trees, -calibrator.Slope);
    }

    /// <summary>ML.NET's tree ensemble and calibrator inside a FastTree binary transformer (as trained or as loaded).</summary>
    internal static (RegressionTreeEnsemble Ensemble, PlattCalibrator Calibrator) Unwrap(ITransformer transformer)
    {
        // A loaded model's generic arguments differ from a freshly trained one's, so go through the untyped members.
        if (transformer is ISingleFeaturePredictionTransformer<object> { Model: CalibratedModelParametersBase calibrated }
            && calibrated.SubModel is FastTreeBinaryModelParameters fastTree
            && calibrated.Calibrator is PlattCalibrator platt
            && platt.Offset == 0 && double.IsFinite(platt.Slope) && platt.Slope < 0)
        {
            return (fastTree.TrainedTreeEnsemble, platt);
        }
        throw new ModelFormatException("The ML.NET model is not a calibrated FastTree binary classifier.");
    }

    public double PredictMargin(ReadOnlySpan<float> features) => Predict(features).Score;

    public double PredictProbability(ReadOnlySpan<float> features) => Predict(features).Probability;

    /// <summary>ML.NET's raw score and calibrated probability of one row, from a pooled prediction engine.</summary>
    public (double Score, double Probability) Predict(ReadOnlySpan<float> features)
    {
        CheckLength(features.Length, nameof(features));
        var session = _sessions.Get();
        try
        {
            features.CopyTo(session.Input.Features);
            session.Engine.Predict(session.Input, ref session.Output);
            return (session.Output.Score, session.Output.Probability);
        }
        finally
        {
            _sessions.Return(session);
        }
    }

    public double Explain(ReadOnlySpan<float> features, Span<double> contributions)
    {
        CheckLength(features.Length, nameof(features));
        if (contributions.Length != _featureCount)
            throw new ArgumentException($"Expected {_featureCount} contributions, got {contributions.Length}.", nameof(contributions));
        contributions.Clear();
        int pathLength = TreeShap.PathBufferLength(_maxDepth);
        PathElement[]? rented = null;
        Span<PathElement> path = pathLength <= MaxPathStackElements
            ? stackalloc PathElement[pathLength]
            : (rented = ArrayPool<PathElement>.Shared.Rent(pathLength)).AsSpan(0, pathLength);
        try
        {
            for (int t = 0; t < _trees.Length; t++)
            {
                if (_shapTables[t] is { } table) table.AddContributions(features, contributions);
                else TreeShap.AddContributions(_trees[t], features, contributions, path);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<PathElement>.Shared.Return(rented);
        }

        // TreeSHAP's bias: the cover-weighted expected score over the training rows. Small trees read their
        // contributions from a table of every decision pattern (ShapTable), exactly what the recursion gives.
        return _expectedMargin;
    }

    /// <summary>Scores rows (row-major, FeatureNames.Count columns) into ML.NET's calibrated probabilities, in one pass of the transformer.</summary>
    public void PredictProbabilities(float[] rows, Span<double> probabilities)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (_featureCount == 0 || rows.Length % _featureCount != 0)
            throw new ArgumentException($"rows.Length ({rows.Length}) must be a multiple of the feature count ({_featureCount}).", nameof(rows));
        int count = rows.Length / _featureCount;
        if (probabilities.Length != count)
            throw new ArgumentException($"probabilities.Length ({probabilities.Length}) must equal the row count ({count}).", nameof(probabilities));
        var scored = _transformer.Transform(new FeatureMatrixDataView(rows, count, _featureCount));
        var column = scored.Schema["Probability"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        float value = 0;
        int row = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            probabilities[row++] = value;
        }
        if (row != count) throw new InvalidOperationException($"ML.NET scored {row} of {count} rows.");
    }

    /// <summary>Total split gain per feature (ML.NET's gains), in FeatureNames order.</summary>
    public double[] FeatureImportance()
    {
        var importance = new double[_featureCount];
        foreach (var tree in _trees)
        {
            for (int n = 0; n < tree.NodeCount; n++) importance[tree.SplitFeature[n]] += tree.SplitGain[n];
        }
        return importance;
    }

    private static RegressionTree Convert(MlTree tree, double weight, double[] nodeCovers, double[] leafCovers)
    {
        int nodes = tree.NumberOfNodes;
        int leaves = tree.NumberOfLeaves;
        if (nodeCovers.Length != nodes || leafCovers.Length != leaves)
            throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture,
                $"A tree of {nodes} nodes and {leaves} leaves has covers for {nodeCovers.Length} nodes and {leafCovers.Length} leaves."));
        if (tree.CategoricalSplitFlags.Any(f => f))
            throw new ModelFormatException("The ML.NET model has categorical splits, which FraudWeb does not train.");
        var feature = new int[nodes];
        var threshold = new float[nodes];
        var left = new int[nodes];
        var right = new int[nodes];
        var gain = new double[nodes];
        for (int n = 0; n < nodes; n++)
        {
            feature[n] = tree.NumericalSplitFeatureIndexes[n];
            threshold[n] = tree.NumericalSplitThresholds[n];
            left[n] = tree.LeftChild[n];
            right[n] = tree.RightChild[n];
            gain[n] = n < tree.SplitGains.Count ? tree.SplitGains[n] : 0;
        }
        var values = new double[leaves];
        for (int l = 0; l < leaves; l++) values[l] = tree.LeafValues[l] * weight;
        // ML.NET sends a missing value right (NaN <= threshold is false); features here are never missing.
        return new RegressionTree(feature, threshold, left, right, new bool[nodes], gain, nodeCovers, values, leafCovers);
    }

    private void CheckLength(int length, string paramName)
    {
        if (length != _featureCount)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {_featureCount} features ({string.Join(", ", FeatureNames)}), got {length}."), paramName);
    }

    private static int Depth(RegressionTree tree, int node)
        => node < 0 ? 0 : 1 + Math.Max(Depth(tree, tree.Left[node]), Depth(tree, tree.Right[node]));

    /// <summary>One prediction engine with its own input and output rows, so a prediction allocates nothing.</summary>
    private sealed class ScoringSession(PredictionEngine<ScoringInput, ScoringOutput> engine, int features)
    {
        public readonly PredictionEngine<ScoringInput, ScoringOutput> Engine = engine;
        public readonly ScoringInput Input = new() { Features = new float[features] };
        public ScoringOutput Output = new();
    }

    private sealed class SessionPolicy(FastTreeModel model, SchemaDefinition definition) : PooledObjectPolicy<ScoringSession>
    {
        private readonly Lock _create = new();

        public override ScoringSession Create()
        {
            // Engines are created rarely (the pool keeps them); one at a time keeps ML.NET's model context single-threaded.
            lock (_create)
            {
                var engine = model._ml.Model.CreatePredictionEngine<ScoringInput, ScoringOutput>(model._transformer, ignoreMissingColumns: true, inputSchemaDefinition: definition);
                return new ScoringSession(engine, model._featureCount);
            }
        }

        public override bool Return(ScoringSession obj) => true;
    }
}

/// <summary>ML.NET's input row for the prediction engine (the column type is set to the model's vector size).</summary>
internal sealed class ScoringInput
{
    public float[] Features { get; set; } = [];
}

/// <summary>ML.NET's output columns of a calibrated binary classifier.</summary>
internal sealed class ScoringOutput
{
    public float Score { get; set; }

    public float Probability { get; set; }
}
