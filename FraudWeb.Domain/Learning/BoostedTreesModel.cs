using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FraudWeb.Domain.Learning;

/// <summary>
/// An immutable boosted-trees ensemble. Margin = bias + sum of tree outputs;
/// probability = 1 / (1 + exp(-2 sigma margin)), the sigmoid of FastTree's training loss.
/// </summary>
public sealed class BoostedTreesModel : IFraudModel
{
    private const int BatchChunkRows = 32_768;

    private readonly RegressionTree[] _trees;
    private readonly Node[] _nodes;
    private readonly double[] _leafValues;
    private readonly int[] _roots;
    private readonly int _featureCount;
    private readonly int _maxDepth;
    private readonly double _expectedMargin;

    internal BoostedTreesModel(string[] featureNames, double sigmoid, double bias, IReadOnlyList<RegressionTree> trees)
    {
        FeatureNames = Array.AsReadOnly(featureNames);
        _featureCount = featureNames.Length;
        Sigmoid = sigmoid;
        Bias = bias;
        _expectedMargin = bias;
        _trees = [.. trees];

        // Flatten every tree into global arrays: internal node n >= 0, leaf ~n.
        int totalNodes = 0, totalLeaves = 0;
        foreach (var tree in _trees)
        {
            // Margin() skips bounds checks, so a tree must be well formed before it gets here.
            if (tree.FindStructureError(_featureCount) is { } error) throw new ArgumentException($"Invalid tree: {error}.", nameof(trees));
            totalNodes += tree.NodeCount;
            totalLeaves += tree.LeafCount;
        }
        _nodes = new Node[totalNodes];
        _leafValues = new double[totalLeaves];
        _roots = new int[_trees.Length];
        int nodeBase = 0, leafBase = 0;
        for (int t = 0; t < _trees.Length; t++)
        {
            var tree = _trees[t];
            int Map(int child) => child >= 0 ? child + nodeBase : ~(~child + leafBase);
            for (int n = 0; n < tree.NodeCount; n++)
            {
                _nodes[nodeBase + n] = new Node(tree.SplitFeature[n], tree.Threshold[n], Map(tree.Left[n]), Map(tree.Right[n]), tree.DefaultLeft[n]);
            }
            Array.Copy(tree.LeafValue, 0, _leafValues, leafBase, tree.LeafCount);
            _roots[t] = Map(tree.Root);
            _maxDepth = Math.Max(_maxDepth, Depth(tree, tree.Root));
            _expectedMargin += tree.ExpectedValue();
            nodeBase += tree.NodeCount;
            leafBase += tree.LeafCount;
        }
    }

    public IReadOnlyList<string> FeatureNames { get; }

    public int TreeCount => _trees.Length;

    /// <summary>FastTree's sigmoid parameter (2 x learning rate).</summary>
    internal double Sigmoid { get; }

    /// <summary>Initial score: the training prior's log-odds in margin units.</summary>
    internal double Bias { get; }

    internal IReadOnlyList<RegressionTree> Trees => _trees;

    public double PredictMargin(ReadOnlySpan<float> features)
    {
        CheckLength(features.Length, nameof(features));
        return Margin(features, _roots.Length);
    }

    public double PredictProbability(ReadOnlySpan<float> features)
    {
        CheckLength(features.Length, nameof(features));
        return ToProbability(Margin(features, _roots.Length));
    }

    /// <summary>The margin of the first <paramref name="trees"/> trees only.</summary>
    internal double PredictMargin(ReadOnlySpan<float> features, int trees)
    {
        CheckLength(features.Length, nameof(features));
        ArgumentOutOfRangeException.ThrowIfNegative(trees);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(trees, _roots.Length);
        return Margin(features, trees);
    }

    internal double ToProbability(double margin) => 1.0 / (1.0 + Math.Exp(-2 * Sigmoid * margin));

    public double Explain(ReadOnlySpan<float> features, Span<double> contributions)
    {
        CheckLength(features.Length, nameof(features));
        if (contributions.Length != _featureCount)
            throw new ArgumentException($"Expected {_featureCount} contributions, got {contributions.Length}.", nameof(contributions));
        contributions.Clear();
        int pathLength = TreeShap.PathBufferLength(_maxDepth);
        PathElement[]? rented = null;
        Span<PathElement> path = pathLength <= 512
            ? stackalloc PathElement[pathLength]
            : (rented = ArrayPool<PathElement>.Shared.Rent(pathLength)).AsSpan(0, pathLength);
        try
        {
            foreach (var tree in _trees) TreeShap.AddContributions(tree, features, contributions, path);
        }
        finally
        {
            if (rented is not null) ArrayPool<PathElement>.Shared.Return(rented);
        }

        // TreeSHAP's bias: the cover-weighted expected margin over the training rows.
        return _expectedMargin;
    }

    /// <summary>Scores rows (row-major, FeatureNames.Count columns) into probabilities, using every core.</summary>
    public void PredictProbabilities(ReadOnlySpan<float> rows, Span<double> probabilities)
    {
        if (_featureCount == 0 || rows.Length % _featureCount != 0)
            throw new ArgumentException($"rows.Length ({rows.Length}) must be a multiple of the feature count ({_featureCount}).", nameof(rows));
        int count = rows.Length / _featureCount;
        if (probabilities.Length != count)
            throw new ArgumentException($"probabilities.Length ({probabilities.Length}) must equal the row count ({count}).", nameof(probabilities));

        // Spans cannot enter Parallel.For, so rows go through pooled chunks.
        int chunk = Math.Min(count, BatchChunkRows);
        var input = ArrayPool<float>.Shared.Rent(Math.Max(1, chunk * _featureCount));
        var output = ArrayPool<double>.Shared.Rent(Math.Max(1, chunk));
        try
        {
            for (int start = 0; start < count; start += chunk)
            {
                int n = Math.Min(chunk, count - start);
                rows.Slice(start * _featureCount, n * _featureCount).CopyTo(input);
                ScoreChunk(input, output, n);
                output.AsSpan(0, n).CopyTo(probabilities.Slice(start, n));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<double>.Shared.Return(output);
        }
    }

    /// <summary>Total split gain per feature, in FeatureNames order.</summary>
    public double[] FeatureImportance()
    {
        var importance = new double[_featureCount];
        foreach (var tree in _trees)
        {
            for (int n = 0; n < tree.NodeCount; n++) importance[tree.SplitFeature[n]] += tree.SplitGain[n];
        }
        return importance;
    }

    private void ScoreChunk(float[] input, double[] output, int n)
    {
        const int Block = 1024;
        int blocks = (n + Block - 1) / Block;
        int columns = _featureCount;
        Parallel.For(0, blocks, block =>
        {
            int end = Math.Min(n, (block + 1) * Block);
            for (int r = block * Block; r < end; r++)
                output[r] = ToProbability(Margin(input.AsSpan(r * columns, columns), _roots.Length));
        });
    }

    private void CheckLength(int length, string paramName)
    {
        if (length != _featureCount)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {_featureCount} features ({string.Join(", ", FeatureNames)}), got {length}."), paramName);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Margin(ReadOnlySpan<float> features, int trees)
    {
        // Structure was validated at construction or load, so indices stay in range: skip bounds checks.
        ref Node nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref double leaves = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        ref float x = ref MemoryMarshal.GetReference(features);
        double margin = Bias;
        for (int t = 0; t < trees; t++)
        {
            int n = _roots[t];
            while (n >= 0)
            {
                ref Node node = ref Unsafe.Add(ref nodes, n);
                float v = Unsafe.Add(ref x, node.Feature);
                n = v <= node.Threshold || (node.DefaultLeft && float.IsNaN(v)) ? node.Left : node.Right;
            }
            margin += Unsafe.Add(ref leaves, ~n);
        }
        return margin;
    }

    private static int Depth(RegressionTree tree, int node)
        => node < 0 ? 0 : 1 + Math.Max(Depth(tree, tree.Left[node]), Depth(tree, tree.Right[node]));

    private readonly struct Node(int feature, float threshold, int left, int right, bool defaultLeft)
    {
        public readonly int Feature = feature;
        public readonly float Threshold = threshold;
        public readonly int Left = left;
        public readonly int Right = right;
        public readonly bool DefaultLeft = defaultLeft;
    }
}
