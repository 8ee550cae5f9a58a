namespace FraudWeb.Domain.Learning;

/// <summary>Sums of gradient, hessian and row count in one histogram bin.</summary>
internal struct BinStats
{
    public double G;
    public double H;
    public double C;
}

/// <summary>Gradient (FastTree's response, a negative gradient) and hessian of one row.</summary>
internal struct GradPair
{
    public double G;
    public double H;
}

/// <summary>A split a leaf could take: left side holds bins &lt;= Bin, plus NaN when DefaultLeft.</summary>
internal struct SplitCandidate
{
    public int Feature;
    public int Bin;
    public bool DefaultLeft;
    public double Gain;
    public double LeftG;
    public double LeftH;
    public int LeftC;
}

/// <summary>
/// Grows one leaf-wise (best-first) regression tree on byte bins with gradient histograms.
/// Buffers are reused across trees, so growing allocates only the finished tree.
/// </summary>
internal sealed class TreeGrower
{
    // Below this many (row x feature) updates a histogram is built on one thread.
    private const long ParallelThreshold = 65_536;

    private readonly BinnedMatrix _data;
    private readonly int _maxLeaves;
    private readonly int _minLeaf;
    private readonly ParallelOptions _parallel;

    private readonly int[] _rows;
    private readonly int[] _scratch;
    private readonly GradPair[] _ordered;
    private readonly BinStats[][] _histograms;

    private readonly int[] _leafSlot;
    private readonly int[] _leafStart;
    private readonly int[] _leafCount;
    private readonly double[] _leafG;
    private readonly double[] _leafH;
    private readonly int[] _leafParent;
    private readonly bool[] _leafIsLeft;
    private readonly SplitCandidate[] _best;

    private readonly int[] _nodeFeature;
    private readonly int[] _nodeBin;
    private readonly float[] _nodeThreshold;
    private readonly int[] _nodeLeft;
    private readonly int[] _nodeRight;
    private readonly bool[] _nodeDefaultLeft;
    private readonly double[] _nodeGain;
    private readonly double[] _nodeCover;

    private int[] _features = [];
    private int _nodes;
    private int _leaves;

    public TreeGrower(BinnedMatrix data, int maxLeaves, int minLeaf, ParallelOptions parallel)
    {
        _data = data;
        _maxLeaves = maxLeaves;
        _minLeaf = minLeaf;
        _parallel = parallel;
        _rows = new int[data.Rows];
        _scratch = new int[data.Rows];
        _ordered = new GradPair[data.Rows];
        _histograms = new BinStats[maxLeaves][];
        for (int i = 0; i < maxLeaves; i++) _histograms[i] = new BinStats[data.TotalBins];
        _leafSlot = new int[maxLeaves];
        _leafStart = new int[maxLeaves];
        _leafCount = new int[maxLeaves];
        _leafG = new double[maxLeaves];
        _leafH = new double[maxLeaves];
        _leafParent = new int[maxLeaves];
        _leafIsLeft = new bool[maxLeaves];
        _best = new SplitCandidate[maxLeaves];
        _nodeFeature = new int[maxLeaves];
        _nodeBin = new int[maxLeaves];
        _nodeThreshold = new float[maxLeaves];
        _nodeLeft = new int[maxLeaves];
        _nodeRight = new int[maxLeaves];
        _nodeDefaultLeft = new bool[maxLeaves];
        _nodeGain = new double[maxLeaves];
        _nodeCover = new double[maxLeaves];
    }

    /// <summary>In-bag row indices; the caller fills the first bagCount entries before <see cref="Grow"/>.</summary>
    public int[] BagRows => _rows;

    /// <summary>Bin of each split of the last grown tree (for routing out-of-bag rows on bins).</summary>
    public ReadOnlySpan<int> NodeBins => _nodeBin.AsSpan(0, _nodes);

    /// <summary>In-bag rows that ended in a leaf of the last grown tree.</summary>
    public ReadOnlySpan<int> LeafRows(int leaf) => _rows.AsSpan(_leafStart[leaf], _leafCount[leaf]);

    /// <param name="allRows">The bag is every row in order (no bagging), so the root scans sequentially.</param>
    public RegressionTree Grow(GradPair[] gradients, int bagCount, bool allRows, int[] features, double learningRate, double maxOutput)
    {
        _features = features;
        _nodes = 0;
        _leaves = 1;
        _leafSlot[0] = 0;
        _leafStart[0] = 0;
        _leafCount[0] = bagCount;
        _leafParent[0] = -1;
        double g = 0, h = 0;
        for (int i = 0; i < bagCount; i++)
        {
            var p = gradients[allRows ? i : _rows[i]];
            g += p.G;
            h += p.H;
        }
        _leafG[0] = g;
        _leafH[0] = h;
        if (CanSplit(0))
        {
            BuildHistogram(gradients, 0, bagCount, _histograms[0], allRows);
            _best[0] = FindBestSplit(_histograms[0], _leafG[0], _leafCount[0]);
        }
        else
        {
            _best[0] = NoSplit();
        }

        while (_leaves < _maxLeaves)
        {
            int chosen = -1;
            double bestGain = 0;
            for (int l = 0; l < _leaves; l++)
            {
                if (_best[l].Feature >= 0 && _best[l].Gain > bestGain)
                {
                    bestGain = _best[l].Gain;
                    chosen = l;
                }
            }
            if (chosen < 0) break;
            Split(chosen, gradients);
        }
        return Finish(learningRate, maxOutput);
    }

    private bool CanSplit(int leaf) => _leafCount[leaf] >= 2 * _minLeaf;

    private static SplitCandidate NoSplit() => new() { Feature = -1 };

    private void Split(int leaf, GradPair[] gradients)
    {
        var split = _best[leaf];
        int node = _nodes++;
        int right = _leaves++;
        var bins = _data.Bins[split.Feature];
        _nodeFeature[node] = split.Feature;
        _nodeBin[node] = split.Bin;
        _nodeThreshold[node] = bins.UpperBounds[split.Bin];
        _nodeDefaultLeft[node] = split.DefaultLeft;
        _nodeGain[node] = split.Gain;
        _nodeCover[node] = _leafCount[leaf];
        int parent = _leafParent[leaf];
        if (parent >= 0)
        {
            if (_leafIsLeft[leaf]) _nodeLeft[parent] = node;
            else _nodeRight[parent] = node;
        }
        _nodeLeft[node] = ~leaf;
        _nodeRight[node] = ~right;
        _leafParent[leaf] = node;
        _leafIsLeft[leaf] = true;
        _leafParent[right] = node;
        _leafIsLeft[right] = false;

        // Stable partition of the leaf's rows: left in place, right through the scratch buffer.
        int start = _leafStart[leaf], count = _leafCount[leaf];
        var column = _data.Columns[split.Feature];
        int splitBin = split.Bin, nanBin = bins.NanBin;
        bool nanLeft = split.DefaultLeft;
        int li = start, ri = 0;
        var rows = _rows;
        var scratch = _scratch;
        for (int i = start; i < start + count; i++)
        {
            int row = rows[i];
            int b = column[row];
            if (b <= splitBin || (nanLeft && b == nanBin)) rows[li++] = row;
            else scratch[ri++] = row;
        }
        Array.Copy(scratch, 0, rows, li, ri);
        int leftCount = li - start;

        double parentG = _leafG[leaf], parentH = _leafH[leaf];
        _leafCount[leaf] = leftCount;
        _leafG[leaf] = split.LeftG;
        _leafH[leaf] = split.LeftH;
        _leafStart[right] = li;
        _leafCount[right] = ri;
        _leafG[right] = parentG - split.LeftG;
        _leafH[right] = parentH - split.LeftH;

        bool leftSplittable = CanSplit(leaf), rightSplittable = CanSplit(right);
        if (_leaves == _maxLeaves || (!leftSplittable && !rightSplittable))
        {
            _best[leaf] = NoSplit();
            _best[right] = NoSplit();
            return;
        }

        // Histogram subtraction: build the smaller child, the larger is parent minus smaller.
        int parentSlot = _leafSlot[leaf];
        int small = leftCount <= ri ? leaf : right;
        int large = small == leaf ? right : leaf;
        var smallHistogram = _histograms[right];
        BuildHistogram(gradients, _leafStart[small], _leafCount[small], smallHistogram, false);
        _leafSlot[small] = right;
        _leafSlot[large] = parentSlot;
        if (CanSplit(large)) Subtract(_histograms[parentSlot], smallHistogram);

        _best[leaf] = leftSplittable ? FindBestSplit(_histograms[_leafSlot[leaf]], _leafG[leaf], _leafCount[leaf]) : NoSplit();
        _best[right] = rightSplittable ? FindBestSplit(_histograms[_leafSlot[right]], _leafG[right], _leafCount[right]) : NoSplit();
    }

    private void Subtract(BinStats[] parent, BinStats[] child)
    {
        foreach (int f in _features)
        {
            int end = _data.Offsets[f + 1];
            for (int b = _data.Offsets[f]; b < end; b++)
            {
                ref var p = ref parent[b];
                var c = child[b];
                p.G -= c.G;
                p.H -= c.H;
                p.C -= c.C;
            }
        }
    }

    private void BuildHistogram(GradPair[] gradients, int start, int count, BinStats[] histogram, bool allRows)
    {
        GradPair[] source = gradients;
        if (!allRows)
        {
            // Gather the leaf's gradients once so every feature pass reads them sequentially.
            var rows = _rows;
            var ordered = _ordered;
            for (int i = 0; i < count; i++) ordered[i] = gradients[rows[start + i]];
            source = ordered;
        }
        var features = _features;
        if ((long)count * features.Length < ParallelThreshold || _parallel.MaxDegreeOfParallelism == 1)
        {
            foreach (int f in features) BuildFeature(f, source, start, count, histogram, allRows);
        }
        else
        {
            Parallel.For(0, features.Length, _parallel, k => BuildFeature(features[k], source, start, count, histogram, allRows));
        }
    }

    private void BuildFeature(int feature, GradPair[] source, int start, int count, BinStats[] histogram, bool allRows)
    {
        var h = histogram.AsSpan(_data.Offsets[feature], _data.Bins[feature].TotalBinCount);
        h.Clear();
        var column = _data.Columns[feature];
        var src = source.AsSpan(0, count);
        if (allRows)
        {
            var bins = column.AsSpan(0, count);
            for (int i = 0; i < src.Length; i++)
            {
                ref var e = ref h[bins[i]];
                e.G += src[i].G;
                e.H += src[i].H;
                e.C += 1;
            }
        }
        else
        {
            var rows = _rows.AsSpan(start, count);
            for (int i = 0; i < src.Length; i++)
            {
                ref var e = ref h[column[rows[i]]];
                e.G += src[i].G;
                e.H += src[i].H;
                e.C += 1;
            }
        }
    }

    /// <summary>
    /// FastTree's least-squares gain on the gradients, GL²/nL + GR²/nR - G²/n, over every bin boundary,
    /// with NaN rows tried on both sides.
    /// </summary>
    private SplitCandidate FindBestSplit(BinStats[] histogram, double totalG, int totalCount)
    {
        var best = NoSplit();
        double n = totalCount;
        double parentScore = totalG * totalG / n;
        double minGain = 1e-12 * Math.Max(1.0, parentScore);
        best.Gain = minGain;
        int minLeaf = _minLeaf;
        foreach (int f in _features)
        {
            var fb = _data.Bins[f];
            var h = histogram.AsSpan(_data.Offsets[f], fb.TotalBinCount);
            var nan = h[fb.NanBin];
            double lg = 0, lh = 0, lc = 0;
            for (int b = 0; b < fb.ValueBinCount; b++)
            {
                lg += h[b].G;
                lh += h[b].H;
                lc += h[b].C;
                double rc = n - lc;
                if (lc >= minLeaf && rc >= minLeaf)
                {
                    double gain = lg * lg / lc + (totalG - lg) * (totalG - lg) / rc - parentScore;
                    if (gain > best.Gain)
                    {
                        // With no NaN seen here, send future NaN to the side with more rows.
                        bool defaultLeft = nan.C == 0 && lc >= rc;
                        best = new SplitCandidate { Feature = f, Bin = b, DefaultLeft = defaultLeft, Gain = gain, LeftG = lg, LeftH = lh, LeftC = (int)lc };
                    }
                }
                if (nan.C > 0)
                {
                    double nlc = lc + nan.C, nlg = lg + nan.G;
                    double nrc = n - nlc;
                    if (nlc >= minLeaf && nrc >= minLeaf)
                    {
                        double gain = nlg * nlg / nlc + (totalG - nlg) * (totalG - nlg) / nrc - parentScore;
                        if (gain > best.Gain)
                        {
                            best = new SplitCandidate { Feature = f, Bin = b, DefaultLeft = true, Gain = gain, LeftG = nlg, LeftH = lh + nan.H, LeftC = (int)nlc };
                        }
                    }
                }
            }
        }
        return best;
    }

    private RegressionTree Finish(double learningRate, double maxOutput)
    {
        var leafValue = new double[_leaves];
        var leafCover = new double[_leaves];
        for (int l = 0; l < _leaves; l++)
        {
            // Newton step sum(g)/sum(h), clamped like FastTree's MaxTreeOutput, then shrunk.
            double step = _leafH[l] > 0 ? _leafG[l] / _leafH[l] : 0;
            if (!double.IsFinite(step)) step = 0;
            step = Math.Clamp(step, -maxOutput, maxOutput);
            leafValue[l] = step * learningRate;
            leafCover[l] = _leafCount[l];
        }
        return new RegressionTree(
            _nodeFeature.AsSpan(0, _nodes).ToArray(),
            _nodeThreshold.AsSpan(0, _nodes).ToArray(),
            _nodeLeft.AsSpan(0, _nodes).ToArray(),
            _nodeRight.AsSpan(0, _nodes).ToArray(),
            _nodeDefaultLeft.AsSpan(0, _nodes).ToArray(),
            _nodeGain.AsSpan(0, _nodes).ToArray(),
            _nodeCover.AsSpan(0, _nodes).ToArray(),
            leafValue,
            leafCover);
    }
}
