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
    /// <summary>Each recursion level copies the path one slot further: (D+2)(D+3)/2 elements for depth D.</summary>
    public static int PathBufferLength(int maxDepth) => (maxDepth + 2) * (maxDepth + 3) / 2;

    public static void AddContributions(RegressionTree tree, ReadOnlySpan<float> x, Span<double> phi, Span<PathElement> buffer)
    {
        Recurse(tree, x, phi, tree.Root, buffer, 0, 0, 1, 1, -1);
    }

    private static void Recurse(RegressionTree tree, ReadOnlySpan<float> x, Span<double> phi, int node,
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
        float v = x[split];
        bool goLeft = v <= tree.Threshold[node] || (tree.DefaultLeft[node] && float.IsNaN(v));
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
        Recurse(tree, x, phi, hot, buffer, start, uniqueDepth + 1, hotFraction * incomingZero, incomingOne, split);
        Recurse(tree, x, phi, cold, buffer, start, uniqueDepth + 1, coldFraction * incomingZero, 0, split);
    }

    private static void Extend(Span<PathElement> path, int depth, double zero, double one, int feature)
    {
        path[depth] = new PathElement { Feature = feature, Zero = zero, One = one, Weight = depth == 0 ? 1 : 0 };
        for (int i = depth - 1; i >= 0; i--)
        {
            path[i + 1].Weight += one * path[i].Weight * (i + 1) / (depth + 1);
            path[i].Weight = zero * path[i].Weight * (depth - i) / (depth + 1);
        }
    }

    private static void Unwind(Span<PathElement> path, int depth, int index)
    {
        double one = path[index].One, zero = path[index].Zero;
        double next = path[depth].Weight;
        for (int i = depth - 1; i >= 0; i--)
        {
            if (one != 0)
            {
                double old = path[i].Weight;
                path[i].Weight = next * (depth + 1) / ((i + 1) * one);
                next = old - path[i].Weight * zero * (depth - i) / (depth + 1);
            }
            else
            {
                path[i].Weight = path[i].Weight * (depth + 1) / (zero * (depth - i));
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
        for (int i = depth - 1; i >= 0; i--)
        {
            if (one != 0)
            {
                double w = next * (depth + 1) / ((i + 1) * one);
                total += w;
                next = path[i].Weight - w * zero * (depth - i) / (depth + 1);
            }
            else
            {
                total += path[i].Weight * (depth + 1) / (zero * (depth - i));
            }
        }
        return total;
    }
}
