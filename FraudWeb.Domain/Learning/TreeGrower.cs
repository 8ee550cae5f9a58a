using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FraudWeb.Domain.Learning;

/// <summary>Sums of gradient, hessian and row count in one histogram bin.</summary>
internal struct BinStats
{
    public double G;
    public double H;
    public double C;

    // Unused: pads the struct to 32 bytes so a row adds to a bin as one 4 x double vector.
    public double Pad;
}

/// <summary>Gradient (FastTree's response, a negative gradient) and hessian of one row.</summary>
internal struct GradPair
{
    public float G;
    public float H;

    // Always 1 (the row's count) and 0, so (G, H, C, Pad) widens to a bin's (G, H, C, Pad) increment.
    public float C;
    public float Pad;

    public GradPair(float g, float h)
    {
        G = g;
        H = h;
        C = 1;
        Pad = 0;
    }
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

    // From this many rows a feature's histogram is accumulated in four interleaved copies.
    private const int InterleaveThreshold = 2_048;

    // Rows per block when walking a histogram's rows: the block's gradients stay in cache across features.
    private const int RowBlock = 16_384;

    private const double Epsilon = 1.4e-45;

    // Leaves with at least this many rows are partitioned on every thread, in blocks of PartitionBlock rows.
    private const int ParallelPartitionRows = 32_768;
    private const int PartitionBlock = 16_384;

    private readonly BinnedMatrix _data;
    private readonly int _maxLeaves;
    private readonly int _minLeaf;
    private readonly double _secondOrderL2;
    private readonly ParallelOptions _parallel;
    private readonly TrainingTimings _timings;

    private readonly int[] _rows;
    private readonly int[] _scratch;
    private readonly GradPair[] _ordered;
    private readonly BinStats[][] _histograms;
    private readonly BinStats[][] _interleaved;

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

    /// <param name="secondOrderL2">λ of second-order fitting (margin units), or negative for FastTree fitting.</param>
    public TreeGrower(BinnedMatrix data, int maxLeaves, int minLeaf, double secondOrderL2, ParallelOptions parallel, TrainingTimings? timings = null)
    {
        _timings = timings ?? new TrainingTimings();
        _secondOrderL2 = secondOrderL2;
        _data = data;
        _maxLeaves = maxLeaves;
        _minLeaf = minLeaf;
        _parallel = parallel;
        _rows = new int[data.Rows];
        _scratch = new int[data.Rows];
        _ordered = new GradPair[data.Rows];
        _histograms = new BinStats[maxLeaves][];
        for (int i = 0; i < maxLeaves; i++) _histograms[i] = new BinStats[data.TotalBins];
        _interleaved = new BinStats[data.Bins.Length][];
        for (int f = 0; f < data.Bins.Length; f++) _interleaved[f] = new BinStats[4 * data.Bins[f].TotalBinCount];
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

    /// <summary>Where each leaf's rows start in <see cref="BagRows"/>, for the last grown tree.</summary>
    public int[] LeafStarts => _leafStart;

    /// <summary>How many rows each leaf holds, for the last grown tree.</summary>
    public int[] LeafCounts => _leafCount;

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
            long clock = TrainingTimings.Now();
            BuildHistogram(gradients, 0, bagCount, _histograms[0], allRows);
            clock = _timings.Add(TrainingTimings.RootHistogram, clock);
            _best[0] = FindBestSplit(_histograms[0], _leafG[0], _leafH[0], _leafCount[0]);
            _timings.Add(TrainingTimings.SplitFinding, clock);
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

        int start = _leafStart[leaf], count = _leafCount[leaf];
        long clock = TrainingTimings.Now();
        int leftCount = Partition(start, count, _data.Columns[split.Feature], split.Bin, bins.NanBin, split.DefaultLeft);
        int li = start + leftCount, ri = count - leftCount;
        clock = _timings.Add(TrainingTimings.Partition, clock);

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
        clock = _timings.Add(TrainingTimings.ChildHistograms, clock);

        _best[leaf] = leftSplittable ? FindBestSplit(_histograms[_leafSlot[leaf]], _leafG[leaf], _leafH[leaf], _leafCount[leaf]) : NoSplit();
        _best[right] = rightSplittable ? FindBestSplit(_histograms[_leafSlot[right]], _leafG[right], _leafH[right], _leafCount[right]) : NoSplit();
        _timings.Add(TrainingTimings.SplitFinding, clock);
    }

    /// <summary>
    /// Stable partition of rows[start, start+count): left rows first, in their order, then right rows.
    /// Large leaves split in blocks on every thread; the result is the same as the sequential one.
    /// </summary>
    private int Partition(int start, int count, byte[] column, int splitBin, int nanBin, bool nanLeft)
    {
        var rows = _rows;
        var scratch = _scratch;
        if (count < ParallelPartitionRows || _parallel.MaxDegreeOfParallelism == 1)
        {
            int li = start, ri = 0;
            for (int i = start; i < start + count; i++)
            {
                int row = rows[i];
                int b = column[row];
                if (b <= splitBin || (nanLeft && b == nanBin)) rows[li++] = row;
                else scratch[ri++] = row;
            }
            Array.Copy(scratch, 0, rows, li, ri);
            return li - start;
        }

        // Each block writes its left rows forward and its right rows backward into its own scratch range,
        // then both are copied to their final places.
        int blocks = (count + PartitionBlock - 1) / PartitionBlock;
        var leftCounts = new int[blocks];
        Parallel.For(0, blocks, _parallel, j =>
        {
            int from = start + j * PartitionBlock, to = Math.Min(start + count, from + PartitionBlock);
            int nl = 0, nr = 0;
            for (int i = from; i < to; i++)
            {
                int row = rows[i];
                int b = column[row];
                if (b <= splitBin || (nanLeft && b == nanBin)) scratch[from + nl++] = row;
                else scratch[to - 1 - nr++] = row;
            }
            leftCounts[j] = nl;
        });
        var leftOffsets = new int[blocks];
        var rightOffsets = new int[blocks];
        int totalLeft = 0, totalRight = 0;
        for (int j = 0; j < blocks; j++)
        {
            int size = Math.Min(PartitionBlock, count - j * PartitionBlock);
            leftOffsets[j] = totalLeft;
            rightOffsets[j] = totalRight;
            totalLeft += leftCounts[j];
            totalRight += size - leftCounts[j];
        }
        Parallel.For(0, blocks, _parallel, j =>
        {
            int from = start + j * PartitionBlock, to = Math.Min(start + count, from + PartitionBlock);
            int nl = leftCounts[j], nr = to - from - nl;
            Array.Copy(scratch, from, rows, start + leftOffsets[j], nl);
            int rightBase = start + totalLeft + rightOffsets[j];
            for (int k = 0; k < nr; k++) rows[rightBase + k] = scratch[to - 1 - k];
        });
        return totalLeft;
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
            var rows = _rows.AsSpan(start, count);
            var ordered = _ordered;
            for (int i = 0; i < rows.Length; i++) ordered[i] = gradients[rows[i]];
            source = ordered;
        }
        var features = _features;
        int workers = (long)count * features.Length < ParallelThreshold ? 1 : Math.Min(_parallel.MaxDegreeOfParallelism, features.Length);
        if (workers == 1)
        {
            Accumulate(0, 1, source, start, count, histogram, allRows);
        }
        else
        {
            Parallel.For(0, workers, _parallel, w => Accumulate(w, workers, source, start, count, histogram, allRows));
        }
    }

    /// <summary>
    /// Worker w fills every workers-th feature, walking the rows in cache-sized blocks so one block of
    /// gradients serves all its features. Each feature's sums run in row order whatever the worker count.
    /// </summary>
    private void Accumulate(int worker, int workers, GradPair[] source, int start, int count, BinStats[] histogram, bool allRows)
    {
        var features = _features;
        ReadOnlySpan<int> rows = allRows ? default : _rows.AsSpan(start, count);
        if (count < InterleaveThreshold)
        {
            for (int k = worker; k < features.Length; k += workers)
            {
                int f = features[k];
                var h = histogram.AsSpan(_data.Offsets[f], _data.Bins[f].TotalBinCount);
                h.Clear();
                var column = _data.Columns[f];
                for (int i = 0; i < count; i++) Add(ref h[column[allRows ? i : rows[i]]], source[i]);
            }
            return;
        }

        for (int k = worker; k < features.Length; k += workers) _interleaved[features[k]].AsSpan().Clear();
        for (int blockStart = 0; blockStart < count; blockStart += RowBlock)
        {
            int blockEnd = Math.Min(count, blockStart + RowBlock);
            int k = worker;
            // Two features per pass share each row's gradient load and widening.
            if (Avx.IsSupported)
            {
                for (; k + workers < features.Length; k += 2 * workers)
                    AccumulatePair(features[k], features[k + workers], source, rows, allRows, blockStart, blockEnd);
            }
            for (; k < features.Length; k += workers)
            {
                int f = features[k];
                if (allRows) AccumulateSequential(f, source, blockStart, blockEnd);
                else AccumulateGathered(f, source, rows, blockStart, blockEnd);
            }
        }
        for (int k = worker; k < features.Length; k += workers)
        {
            int f = features[k];
            int bins = _data.Bins[f].TotalBinCount;
            var copies = _interleaved[f];
            var h = histogram.AsSpan(_data.Offsets[f], bins);
            for (int j = 0; j < bins; j++)
            {
                h[j] = new BinStats
                {
                    G = (copies[j].G + copies[bins + j].G) + (copies[2 * bins + j].G + copies[3 * bins + j].G),
                    H = (copies[j].H + copies[bins + j].H) + (copies[2 * bins + j].H + copies[3 * bins + j].H),
                    C = (copies[j].C + copies[bins + j].C) + (copies[2 * bins + j].C + copies[3 * bins + j].C),
                };
            }
        }
    }

    // Rows mostly in one bin make each add wait for the previous store; four interleaved
    // copies of the histogram (row i goes to copy i % 4) break that chain.
    private void AccumulateSequential(int feature, GradPair[] source, int from, int to)
    {
        int bins = _data.Bins[feature].TotalBinCount;
        var copies = _interleaved[feature].AsSpan();
        var b = _data.Columns[feature].AsSpan(from, to - from);
        var src = source.AsSpan(from, to - from);
        if (Avx.IsSupported)
        {
            AccumulateAvx(copies, bins, b, src);
            return;
        }
        var h0 = copies[..bins];
        var h1 = copies.Slice(bins, bins);
        var h2 = copies.Slice(2 * bins, bins);
        var h3 = copies.Slice(3 * bins, bins);
        int n4 = src.Length & ~3;
        int i = 0;
        for (; i < n4; i += 4)
        {
            Add(ref h0[b[i]], src[i]);
            Add(ref h1[b[i + 1]], src[i + 1]);
            Add(ref h2[b[i + 2]], src[i + 2]);
            Add(ref h3[b[i + 3]], src[i + 3]);
        }
        for (; i < src.Length; i++) Add(ref h0[b[i]], src[i]);
    }

    private void AccumulateGathered(int feature, GradPair[] source, ReadOnlySpan<int> allRows, int from, int to)
    {
        int bins = _data.Bins[feature].TotalBinCount;
        var copies = _interleaved[feature].AsSpan();
        var column = _data.Columns[feature];
        var rows = allRows[from..to];
        var src = source.AsSpan(from, to - from);
        if (Avx.IsSupported)
        {
            // Gather this block's bins first so the vector kernel reads them in order.
            Span<byte> b = stackalloc byte[RowBlock];
            b = b[..rows.Length];
            for (int k = 0; k < rows.Length; k++) b[k] = column[rows[k]];
            AccumulateAvx(copies, bins, b, src);
            return;
        }
        var h0 = copies[..bins];
        var h1 = copies.Slice(bins, bins);
        var h2 = copies.Slice(2 * bins, bins);
        var h3 = copies.Slice(3 * bins, bins);
        int n4 = src.Length & ~3;
        int i = 0;
        for (; i < n4; i += 4)
        {
            Add(ref h0[column[rows[i]]], src[i]);
            Add(ref h1[column[rows[i + 1]]], src[i + 1]);
            Add(ref h2[column[rows[i + 2]]], src[i + 2]);
            Add(ref h3[column[rows[i + 3]]], src[i + 3]);
        }
        for (; i < src.Length; i++) Add(ref h0[column[rows[i]]], src[i]);
    }

    /// <summary>AccumulateAvx for two features at once: the same additions, in the same order per feature.</summary>
    private void AccumulatePair(int featureA, int featureB, GradPair[] source, ReadOnlySpan<int> allRows, bool sequential, int from, int to)
    {
        int binsA = _data.Bins[featureA].TotalBinCount, binsB = _data.Bins[featureB].TotalBinCount;
        scoped ReadOnlySpan<byte> columnA = _data.Columns[featureA];
        scoped ReadOnlySpan<byte> columnB = _data.Columns[featureB];
        Span<byte> gatheredA = stackalloc byte[sequential ? 0 : RowBlock];
        Span<byte> gatheredB = stackalloc byte[sequential ? 0 : RowBlock];
        if (sequential)
        {
            columnA = columnA[from..to];
            columnB = columnB[from..to];
        }
        else
        {
            // Gather this block's bins first so the kernel reads them in order.
            var rows = allRows[from..to];
            for (int k = 0; k < rows.Length; k++)
            {
                gatheredA[k] = columnA[rows[k]];
                gatheredB[k] = columnB[rows[k]];
            }
            columnA = gatheredA[..rows.Length];
            columnB = gatheredB[..rows.Length];
        }
        ref var a0 = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<BinStats, Vector256<double>>(_interleaved[featureA].AsSpan()));
        ref var a1 = ref Unsafe.Add(ref a0, binsA);
        ref var a2 = ref Unsafe.Add(ref a0, 2 * binsA);
        ref var a3 = ref Unsafe.Add(ref a0, 3 * binsA);
        ref var b0 = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<BinStats, Vector256<double>>(_interleaved[featureB].AsSpan()));
        ref var b1 = ref Unsafe.Add(ref b0, binsB);
        ref var b2 = ref Unsafe.Add(ref b0, 2 * binsB);
        ref var b3 = ref Unsafe.Add(ref b0, 3 * binsB);
        ref byte binA = ref MemoryMarshal.GetReference(columnA);
        ref byte binB = ref MemoryMarshal.GetReference(columnB);
        ref var g = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<GradPair, Vector128<float>>(source.AsSpan(from, to - from)));
        int n = to - from, n4 = n & ~3, i = 0;
        for (; i < n4; i += 4)
        {
            var v0 = Avx.ConvertToVector256Double(Unsafe.Add(ref g, i));
            ref var ea0 = ref Unsafe.Add(ref a0, Unsafe.Add(ref binA, i));
            ea0 = Avx.Add(ea0, v0);
            ref var eb0 = ref Unsafe.Add(ref b0, Unsafe.Add(ref binB, i));
            eb0 = Avx.Add(eb0, v0);
            var v1 = Avx.ConvertToVector256Double(Unsafe.Add(ref g, i + 1));
            ref var ea1 = ref Unsafe.Add(ref a1, Unsafe.Add(ref binA, i + 1));
            ea1 = Avx.Add(ea1, v1);
            ref var eb1 = ref Unsafe.Add(ref b1, Unsafe.Add(ref binB, i + 1));
            eb1 = Avx.Add(eb1, v1);
            var v2 = Avx.ConvertToVector256Double(Unsafe.Add(ref g, i + 2));
            ref var ea2 = ref Unsafe.Add(ref a2, Unsafe.Add(ref binA, i + 2));
            ea2 = Avx.Add(ea2, v2);
            ref var eb2 = ref Unsafe.Add(ref b2, Unsafe.Add(ref binB, i + 2));
            eb2 = Avx.Add(eb2, v2);
            var v3 = Avx.ConvertToVector256Double(Unsafe.Add(ref g, i + 3));
            ref var ea3 = ref Unsafe.Add(ref a3, Unsafe.Add(ref binA, i + 3));
            ea3 = Avx.Add(ea3, v3);
            ref var eb3 = ref Unsafe.Add(ref b3, Unsafe.Add(ref binB, i + 3));
            eb3 = Avx.Add(eb3, v3);
        }
        for (; i < n; i++)
        {
            var v = Avx.ConvertToVector256Double(Unsafe.Add(ref g, i));
            ref var ea = ref Unsafe.Add(ref a0, Unsafe.Add(ref binA, i));
            ea = Avx.Add(ea, v);
            ref var eb = ref Unsafe.Add(ref b0, Unsafe.Add(ref binB, i));
            eb = Avx.Add(eb, v);
        }
    }

    /// <summary>
    /// The histogram's hot loop: a row's (G, H, 1, 0) floats widen to doubles and add to its bin as one
    /// vector, the same per-lane double additions in the same order as the scalar loop. Bins come from
    /// BinnedMatrix, so every b[i] &lt; bins and the unchecked refs stay inside the four copies.
    /// </summary>
    private static void AccumulateAvx(Span<BinStats> copies, int bins, ReadOnlySpan<byte> b, ReadOnlySpan<GradPair> src)
    {
        ref var h0 = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<BinStats, Vector256<double>>(copies));
        ref var h1 = ref Unsafe.Add(ref h0, bins);
        ref var h2 = ref Unsafe.Add(ref h0, 2 * bins);
        ref var h3 = ref Unsafe.Add(ref h0, 3 * bins);
        ref var g = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<GradPair, Vector128<float>>(src));
        ref byte bin = ref MemoryMarshal.GetReference(b);
        int n = src.Length, n4 = n & ~3, i = 0;
        for (; i < n4; i += 4)
        {
            ref var e0 = ref Unsafe.Add(ref h0, Unsafe.Add(ref bin, i));
            e0 = Avx.Add(e0, Avx.ConvertToVector256Double(Unsafe.Add(ref g, i)));
            ref var e1 = ref Unsafe.Add(ref h1, Unsafe.Add(ref bin, i + 1));
            e1 = Avx.Add(e1, Avx.ConvertToVector256Double(Unsafe.Add(ref g, i + 1)));
            ref var e2 = ref Unsafe.Add(ref h2, Unsafe.Add(ref bin, i + 2));
            e2 = Avx.Add(e2, Avx.ConvertToVector256Double(Unsafe.Add(ref g, i + 2)));
            ref var e3 = ref Unsafe.Add(ref h3, Unsafe.Add(ref bin, i + 3));
            e3 = Avx.Add(e3, Avx.ConvertToVector256Double(Unsafe.Add(ref g, i + 3)));
        }
        for (; i < n; i++)
        {
            ref var e = ref Unsafe.Add(ref h0, Unsafe.Add(ref bin, i));
            e = Avx.Add(e, Avx.ConvertToVector256Double(Unsafe.Add(ref g, i)));
        }
    }

    private static void Add(ref BinStats e, in GradPair p)
    {
        e.G += p.G;
        e.H += p.H;
        e.C += 1;
    }

    /// <summary>
    /// FastTree's least-squares gain on the gradients, GL²/nL + GR²/nR - G²/n (or the second-order gain
    /// with hessian sums + λ as denominators), over every bin boundary, with NaN rows tried on both sides.
    /// </summary>
    private SplitCandidate FindBestSplit(BinStats[] histogram, double totalG, double totalH, int totalCount)
    {
        var best = NoSplit();
        double n = totalCount;
        bool secondOrder = _secondOrderL2 >= 0;
        double l2 = _secondOrderL2;
        double parentScore = totalG * totalG / (secondOrder ? totalH + l2 : n);
        best.Gain = 1e-12 * Math.Max(1.0, parentScore);
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
                    double gain = secondOrder
                        ? lg * lg / (lh + l2) + (totalG - lg) * (totalG - lg) / (totalH - lh + l2) - parentScore
                        : lg * lg / lc + (totalG - lg) * (totalG - lg) / rc - parentScore;
                    if (gain > best.Gain)
                    {
                        // With no NaN seen here, send future NaN to the side with more rows.
                        bool defaultLeft = nan.C == 0 && lc >= rc;
                        best = new SplitCandidate { Feature = f, Bin = b, DefaultLeft = defaultLeft, Gain = gain, LeftG = lg, LeftH = lh, LeftC = (int)lc };
                    }
                }
                if (nan.C > 0)
                {
                    double nlc = lc + nan.C, nlg = lg + nan.G, nlh = lh + nan.H;
                    double nrc = n - nlc;
                    if (nlc >= minLeaf && nrc >= minLeaf)
                    {
                        double gain = secondOrder
                            ? nlg * nlg / (nlh + l2) + (totalG - nlg) * (totalG - nlg) / (totalH - nlh + l2) - parentScore
                            : nlg * nlg / nlc + (totalG - nlg) * (totalG - nlg) / nrc - parentScore;
                        if (gain > best.Gain)
                        {
                            best = new SplitCandidate { Feature = f, Bin = b, DefaultLeft = true, Gain = gain, LeftG = nlg, LeftH = nlh, LeftC = (int)nlc };
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
            // FastTree's AdjustTreeOutputs: learning rate x (mean g + eps) / (mean h + eps), then clamped
            // to MaxTreeOutput; the tiny epsilon keeps an all-zero-hessian leaf finite. Second order adds λ.
            double n = Math.Max(1, _leafCount[l]);
            double step = _secondOrderL2 >= 0
                ? learningRate * _leafG[l] / (_leafH[l] + _secondOrderL2)
                : learningRate * (_leafG[l] / n + Epsilon) / (_leafH[l] / n + Epsilon);
            leafValue[l] = double.IsNaN(step) ? 0 : Math.Clamp(step, -maxOutput, maxOutput);
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
