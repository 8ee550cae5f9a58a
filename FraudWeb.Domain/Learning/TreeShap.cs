namespace FraudWeb.Domain.Learning;

/// <summary>One entry of TreeSHAP's unique path: a feature, its zero/one fractions and the path weight.</summary>
internal struct PathElement
{
    public int Feature;
    public double Zero;
    public double One;
    public double Weight;
}

/// <summary>
/// Exact TreeSHAP, Algorithm 2 of Lundberg, Erion and Lee (2018), "Consistent individualized feature
/// attribution for tree ensembles", with node covers as the conditional expectations' weights.
/// </summary>
internal static class TreeShap
{
    // 1/k for small k: the recursion's weights divide by path positions, and a multiply is several times cheaper.
    private static readonly double[] Reciprocals = BuildReciprocals(256);

    private static double[] BuildReciprocals(int count)
    {
        var table = new double[count];
        for (int k = 1; k < count; k++) table[k] = 1.0 / k;
        return table;
    }

    private static double Inverse(int k) => k < Reciprocals.Length ? Reciprocals[k] : 1.0 / k;

    /// <summary>Each recursion level copies the path one slot further: (D+2)(D+3)/2 elements for depth D.</summary>
    public static int PathBufferLength(int maxDepth) => (maxDepth + 2) * (maxDepth + 3) / 2;

    public static void AddContributions(RegressionTree tree, ReadOnlySpan<float> x, Span<double> phi, Span<PathElement> buffer)
    {
        Span<bool> goesLeft = tree.NodeCount <= 256 ? stackalloc bool[tree.NodeCount] : new bool[tree.NodeCount];
        for (int n = 0; n < tree.NodeCount; n++) goesLeft[n] = GoesLeft(tree, n, x);
        AddContributions(tree, goesLeft, phi, buffer);
    }

    /// <summary>
    /// TreeSHAP of the row whose comparison at each internal node went as <paramref name="goesLeft"/> says: the
    /// contributions depend on the row through these decisions only, which is what <see cref="ShapTable"/> relies on.
    /// </summary>
    public static void AddContributions(RegressionTree tree, ReadOnlySpan<bool> goesLeft, Span<double> phi, Span<PathElement> buffer)
    {
        Recurse(tree, goesLeft, phi, tree.Root, buffer, 0, 0, 1, 1, -1);
    }

    public static bool GoesLeft(RegressionTree tree, int node, ReadOnlySpan<float> x)
    {
        float v = x[tree.SplitFeature[node]];
        return v <= tree.Threshold[node] || (tree.DefaultLeft[node] && float.IsNaN(v));
    }

    private static void Recurse(RegressionTree tree, ReadOnlySpan<bool> goesLeft, Span<double> phi, int node,
        Span<PathElement> buffer, int parentStart, int depth, double zeroFraction, double oneFraction, int feature)
    {
        // This level's path starts after the parent's (which has depth elements) and copies it.
        int start = depth == 0 ? 0 : parentStart + depth;
        var path = buffer[start..];
        if (depth > 0) buffer.Slice(parentStart, depth).CopyTo(path);
        Extend(path, depth, zeroFraction, oneFraction, feature);

        if (node < 0)
        {
            double value = tree.LeafValue[~node];
            for (int i = 1; i <= depth; i++)
            {
                double w = UnwoundPathSum(path, depth, i);
                phi[path[i].Feature] += w * (path[i].One - path[i].Zero) * value;
            }
            return;
        }

        int split = tree.SplitFeature[node];
        bool goLeft = goesLeft[node];
        int hot = goLeft ? tree.Left[node] : tree.Right[node];
        int cold = goLeft ? tree.Right[node] : tree.Left[node];
        double cover = tree.NodeCover[node];
        double hotFraction = tree.CoverOf(hot) / cover;
        double coldFraction = tree.CoverOf(cold) / cover;

        // A feature already on the path is unwound so it appears once, carrying its fractions along.
        double incomingZero = 1, incomingOne = 1;
        int uniqueDepth = depth;
        int k = 1;
        while (k <= uniqueDepth && path[k].Feature != split) k++;
        if (k <= uniqueDepth)
        {
            incomingZero = path[k].Zero;
            incomingOne = path[k].One;
            Unwind(path, uniqueDepth, k);
            uniqueDepth--;
        }
        Recurse(tree, goesLeft, phi, hot, buffer, start, uniqueDepth + 1, hotFraction * incomingZero, incomingOne, split);
        Recurse(tree, goesLeft, phi, cold, buffer, start, uniqueDepth + 1, coldFraction * incomingZero, 0, split);
    }

    private static void Extend(Span<PathElement> path, int depth, double zero, double one, int feature)
    {
        path[depth] = new PathElement { Feature = feature, Zero = zero, One = one, Weight = depth == 0 ? 1 : 0 };
        double scale = Inverse(depth + 1);
        for (int i = depth - 1; i >= 0; i--)
        {
            path[i + 1].Weight += one * path[i].Weight * (i + 1) * scale;
            path[i].Weight = zero * path[i].Weight * (depth - i) * scale;
        }
    }

    private static void Unwind(Span<PathElement> path, int depth, int index)
    {
        double one = path[index].One, zero = path[index].Zero;
        double next = path[depth].Weight;
        double depthPlusOne = depth + 1, scale = Inverse(depth + 1);
        for (int i = depth - 1; i >= 0; i--)
        {
            if (one != 0)
            {
                double old = path[i].Weight;
                path[i].Weight = next * depthPlusOne * Inverse(i + 1) / one;
                next = old - path[i].Weight * zero * (depth - i) * scale;
            }
            else
            {
                path[i].Weight = path[i].Weight * depthPlusOne / zero * Inverse(depth - i);
            }
        }
        for (int i = index; i < depth; i++)
        {
            path[i].Feature = path[i + 1].Feature;
            path[i].Zero = path[i + 1].Zero;
            path[i].One = path[i + 1].One;
        }
    }

    /// <summary>Sum of the path weights with element <paramref name="index"/> unwound, without modifying the path.</summary>
    private static double UnwoundPathSum(Span<PathElement> path, int depth, int index)
    {
        double one = path[index].One, zero = path[index].Zero;
        double next = path[depth].Weight;
        double total = 0;
        double depthPlusOne = depth + 1, scale = Inverse(depth + 1);
        if (one != 0)
        {
            // On TreeSHAP's path "one" is 0 or 1, so the division by it is left out where it is 1.
            double perOne = depthPlusOne / one;
            for (int i = depth - 1; i >= 0; i--)
            {
                double w = next * perOne * Inverse(i + 1);
                total += w;
                next = path[i].Weight - w * zero * (depth - i) * scale;
            }
        }
        else
        {
            double perZero = depthPlusOne / zero;
            for (int i = depth - 1; i >= 0; i--) total += path[i].Weight * perZero * Inverse(depth - i);
        }
        return total;
    }
}
