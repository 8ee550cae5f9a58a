using System.Runtime.CompilerServices;

namespace FraudWeb.Domain.Learning;

/// <summary>Column-major byte bins of a training set: one byte array per feature.</summary>
internal sealed class BinnedMatrix
{
    private BinnedMatrix(FeatureBins[] bins, byte[][] columns, int rows)
    {
        Bins = bins;
        Columns = columns;
        Rows = rows;
        Offsets = new int[bins.Length + 1];
        for (int f = 0; f < bins.Length; f++) Offsets[f + 1] = Offsets[f] + bins[f].TotalBinCount;
    }

    public FeatureBins[] Bins { get; }
    public byte[][] Columns { get; }
    public int Rows { get; }

    /// <summary>Start of each feature's bins in a histogram; the last entry is the total bin count.</summary>
    public int[] Offsets { get; }

    public int TotalBins => Offsets[^1];

    public static BinnedMatrix Build(Dataset data, int maxBins, int sampleRows, int seed, ParallelOptions parallel)
    {
        int rows = data.Rows, columns = data.Columns;
        var sample = SampleRows(rows, sampleRows, seed);
        var values = GatherSample(data, sample);
        var bins = new FeatureBins[columns];
        Parallel.For(0, columns, parallel, f => bins[f] = BinFinder.FromSample(values[f], values[f].Length, maxBins));

        var binned = new byte[columns][];
        for (int f = 0; f < columns; f++) binned[f] = new byte[rows];
        Parallel.For(0, (rows + Block - 1) / Block, parallel, block => BinBlock(data, bins, binned, block));
        return new BinnedMatrix(bins, binned, rows);
    }

    private const int Block = 8192;

    // Runs once per training, so it is compiled fully optimized at once rather than starting as tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinBlock(Dataset data, FeatureBins[] bins, byte[][] binned, int block)
    {
        int columns = data.Columns;
        int end = Math.Min(data.Rows, (block + 1) * Block);
        var features = data.Features;
        for (int r = block * Block; r < end; r++)
        {
            long rowStart = (long)r * columns;
            for (int f = 0; f < columns; f++) binned[f][r] = bins[f].BinOf(features[rowStart + f]);
        }
    }

    /// <summary>The sampled rows' values, one array per feature, read in one pass over the row-major matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[][] GatherSample(Dataset data, int[] sample)
    {
        int columns = data.Columns;
        var values = new float[columns][];
        for (int f = 0; f < columns; f++) values[f] = new float[sample.Length];
        var features = data.Features;
        for (int i = 0; i < sample.Length; i++)
        {
            long rowStart = (long)sample[i] * columns;
            for (int f = 0; f < columns; f++) values[f][i] = features[rowStart + f];
        }
        return values;
    }

    /// <summary>Every row, or a seeded Bernoulli sample of about sampleRows rows on large data.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[] SampleRows(int rows, int sampleRows, int seed)
    {
        if (rows <= sampleRows) return Enumerable.Range(0, rows).ToArray();
        var picked = new List<int>(sampleRows + sampleRows / 8);
        double fraction = (double)sampleRows / rows;
        for (int r = 0; r < rows; r++)
        {
            if (SplitMix.Uniform(seed, -1, r) < fraction) picked.Add(r);
        }
        return [.. picked];
    }
}

/// <summary>Stateless seeded hashing to uniform numbers, so sampling is reproducible and order-free.</summary>
internal static class SplitMix
{
    public static ulong Hash(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Uniform in [0, 1) for (seed, stream, index).</summary>
    public static double Uniform(int seed, int stream, long index)
    {
        ulong h = Hash(Hash(Hash((ulong)(uint)seed) ^ (ulong)(uint)stream) ^ (ulong)index);
        return (h >> 11) * (1.0 / (1UL << 53));
    }
}
