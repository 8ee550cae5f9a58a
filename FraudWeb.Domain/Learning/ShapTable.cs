namespace FraudWeb.Domain.Learning;

/// <summary>
/// TreeSHAP of a small tree, computed once for every pattern of decisions at its internal nodes. A row's contributions
/// depend on it only through those decisions, so explaining a row is a few comparisons and a table read instead of
/// TreeSHAP's O(leaves x depth²) recursion: exact, not an approximation. An 8-leaf tree has 7 internal nodes, so 128
/// patterns over at most 7 features.
/// </summary>
internal sealed class ShapTable
{
    /// <summary>Trees with more internal nodes than this are explained by the recursion (2^10 patterns at most).</summary>
    public const int MaxNodes = 10;

    private readonly RegressionTree _tree;
    private readonly int[] _features;
    private readonly double[] _contributions;

    private ShapTable(RegressionTree tree, int[] features, double[] contributions)
    {
        _tree = tree;
        _features = features;
        _contributions = contributions;
    }

    /// <summary>The table of a tree with at most <see cref="MaxNodes"/> internal nodes; null for a larger one.</summary>
    public static ShapTable? TryBuild(RegressionTree tree, int featureCount)
    {
        int nodes = tree.NodeCount;
        if (nodes > MaxNodes) return null;
        var features = tree.SplitFeature.Distinct().Order().ToArray();
        int patterns = 1 << nodes;
        var contributions = new double[patterns * features.Length];
        var phi = new double[featureCount];
        var goesLeft = new bool[nodes];
        var path = new PathElement[TreeShap.PathBufferLength(nodes)];
        for (int pattern = 0; pattern < patterns; pattern++)
        {
            for (int n = 0; n < nodes; n++) goesLeft[n] = (pattern >> n & 1) != 0;
            Array.Clear(phi);
            TreeShap.AddContributions(tree, goesLeft, phi, path);
            for (int f = 0; f < features.Length; f++) contributions[pattern * features.Length + f] = phi[features[f]];
        }
        return new ShapTable(tree, features, contributions);
    }

    public void AddContributions(ReadOnlySpan<float> x, Span<double> phi)
    {
        int pattern = 0;
        for (int n = 0; n < _tree.NodeCount; n++)
        {
            if (TreeShap.GoesLeft(_tree, n, x)) pattern |= 1 << n;
        }
        var row = _contributions.AsSpan(pattern * _features.Length, _features.Length);
        for (int f = 0; f < row.Length; f++) phi[_features[f]] += row[f];
    }
}
