namespace FraudWeb.Domain.Learning;

/// <summary>
/// One regression tree in flat arrays. Child references: a value &gt;= 0 is an internal node,
/// a negative value r is leaf ~r. A tree with no split has no internal node and one leaf.
/// Internal node 0 is the root; children always have larger indices than their parent.
/// </summary>
internal sealed class RegressionTree
{
    public RegressionTree(int[] splitFeature, float[] threshold, int[] left, int[] right, bool[] defaultLeft,
        double[] splitGain, double[] nodeCover, double[] leafValue, double[] leafCover)
    {
        SplitFeature = splitFeature;
        Threshold = threshold;
        Left = left;
        Right = right;
        DefaultLeft = defaultLeft;
        SplitGain = splitGain;
        NodeCover = nodeCover;
        LeafValue = leafValue;
        LeafCover = leafCover;
    }

    public int[] SplitFeature { get; }
    public float[] Threshold { get; }
    public int[] Left { get; }
    public int[] Right { get; }

    /// <summary>Where a missing (NaN) value goes.</summary>
    public bool[] DefaultLeft { get; }

    public double[] SplitGain { get; }

    /// <summary>Training rows (in the bag) that reached each internal node; TreeSHAP's cover.</summary>
    public double[] NodeCover { get; }

    public double[] LeafValue { get; }
    public double[] LeafCover { get; }

    public int NodeCount => SplitFeature.Length;
    public int LeafCount => LeafValue.Length;
    public int Root => NodeCount == 0 ? ~0 : 0;

    public double CoverOf(int reference) => reference >= 0 ? NodeCover[reference] : LeafCover[~reference];

    public int LeafOf(ReadOnlySpan<float> features)
    {
        int node = Root;
        while (node >= 0)
        {
            float value = features[SplitFeature[node]];
            node = value <= Threshold[node] || (DefaultLeft[node] && float.IsNaN(value)) ? Left[node] : Right[node];
        }
        return ~node;
    }

    /// <summary>Cover-weighted mean leaf value: the tree's expected output, TreeSHAP's bias.</summary>
    public double ExpectedValue()
    {
        double sum = 0, cover = 0;
        for (int i = 0; i < LeafValue.Length; i++)
        {
            sum += LeafValue[i] * LeafCover[i];
            cover += LeafCover[i];
        }
        return cover > 0 ? sum / cover : 0;
    }

    /// <summary>Returns a reason the structure is invalid, or null when it is a proper tree.</summary>
    public string? FindStructureError(int featureCount)
    {
        int nodes = NodeCount;
        if (LeafCount != nodes + 1) return $"has {LeafCount} leaves for {nodes} internal nodes";
        if (Threshold.Length != nodes || Left.Length != nodes || Right.Length != nodes || DefaultLeft.Length != nodes
            || SplitGain.Length != nodes || NodeCover.Length != nodes || LeafCover.Length != LeafCount)
            return "has arrays of inconsistent lengths";
        var nodeSeen = new bool[nodes];
        var leafSeen = new bool[LeafCount];
        for (int i = 0; i < nodes; i++)
        {
            if ((uint)SplitFeature[i] >= (uint)featureCount) return $"node {i} splits on feature {SplitFeature[i]} of {featureCount}";
            if (float.IsNaN(Threshold[i])) return $"node {i} has a NaN threshold";
            if (!double.IsFinite(NodeCover[i]) || NodeCover[i] <= 0) return $"node {i} has an invalid cover";
            if (!double.IsFinite(SplitGain[i])) return $"node {i} has an invalid gain";
            foreach (int child in (ReadOnlySpan<int>)[Left[i], Right[i]])
            {
                if (child >= 0)
                {
                    if (child <= i || child >= nodes) return $"node {i} has child node {child} out of range";
                    if (nodeSeen[child]) return $"node {child} has two parents";
                    nodeSeen[child] = true;
                }
                else
                {
                    int leaf = ~child;
                    if (leaf >= LeafCount) return $"node {i} has child leaf {leaf} out of range";
                    if (leafSeen[leaf]) return $"leaf {leaf} has two parents";
                    leafSeen[leaf] = true;
                }
            }
        }
        for (int i = 0; i < LeafCount; i++)
        {
            if (!double.IsFinite(LeafValue[i])) return $"leaf {i} has a non-finite value";
            if (!double.IsFinite(LeafCover[i]) || LeafCover[i] <= 0) return $"leaf {i} has an invalid cover";
            if (nodes > 0 && !leafSeen[i]) return $"leaf {i} is unreachable";
        }
        return null;
    }
}
