namespace FraudWeb.Domain.Learning;

/// <summary>
/// Bin boundaries of one feature: value bin i holds x with UpperBounds[i-1] &lt; x &lt;= UpperBounds[i];
/// the last bound is +Infinity and NaN has its own bin after the value bins.
/// </summary>
internal sealed class FeatureBins
{
    public FeatureBins(float[] upperBounds)
    {
        if (upperBounds.Length == 0 || upperBounds.Length > 255 || !float.IsPositiveInfinity(upperBounds[^1]))
            throw new ArgumentException("Upper bounds must end with +Infinity and hold at most 255 bins.", nameof(upperBounds));
        UpperBounds = upperBounds;
    }

    public float[] UpperBounds { get; }

    public int ValueBinCount => UpperBounds.Length;

    public int NanBin => UpperBounds.Length;

    /// <summary>Value bins plus the NaN bin.</summary>
    public int TotalBinCount => UpperBounds.Length + 1;

    public byte BinOf(float value)
    {
        if (float.IsNaN(value)) return (byte)UpperBounds.Length;
        var bounds = UpperBounds;
        int lo = 0, hi = bounds.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (value <= bounds[mid]) hi = mid;
            else lo = mid + 1;
        }
        return (byte)lo;
    }
}

/// <summary>FastTree's BinFinder: bin boundaries from the distinct values of a feature and their counts.</summary>
internal static class BinFinder
{
    /// <summary>Bins for the (unsorted) sample of one feature; NaN values are ignored (they get the NaN bin).</summary>
    public static FeatureBins FromSample(float[] sample, int count, int maxBins)
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (!float.IsNaN(sample[i])) sample[n++] = sample[i];
        }
        var values = sample.AsSpan(0, n);
        values.Sort();
        var distinct = new List<float>();
        var counts = new List<int>();
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && values[j] == values[i]) j++;
            distinct.Add(values[i]);
            counts.Add(j - i);
            i = j;
        }
        return new FeatureBins(FindUpperBounds(distinct.ToArray(), counts.ToArray(), maxBins));
    }

    /// <summary>
    /// Few distinct values: one bin each, bounds at midpoints. Otherwise greedy quantile bins over the
    /// distinct values weighted by counts; a value heavier than a mean bin gets a bin of its own.
    /// </summary>
    public static float[] FindUpperBounds(float[] distinct, int[] counts, int maxBins)
    {
        int n = distinct.Length;
        var bounds = new List<float>(Math.Min(n, maxBins));
        if (n <= maxBins)
        {
            for (int i = 0; i + 1 < n; i++) bounds.Add(Midpoint(distinct[i], distinct[i + 1]));
            bounds.Add(float.PositiveInfinity);
            return [.. bounds];
        }

        long total = 0;
        foreach (int c in counts) total += c;
        double meanBinSize = (double)total / maxBins;
        var isBig = new bool[n];
        int restBins = maxBins;
        long restCount = total;
        for (int i = 0; i < n; i++)
        {
            if (counts[i] >= meanBinSize)
            {
                isBig[i] = true;
                restBins--;
                restCount -= counts[i];
            }
        }
        meanBinSize = (double)restCount / Math.Max(1, restBins);

        long current = 0;
        for (int i = 0; i + 1 < n && bounds.Count < maxBins - 1; i++)
        {
            if (!isBig[i]) restCount -= counts[i];
            current += counts[i];
            bool close = isBig[i] || current >= meanBinSize || (isBig[i + 1] && current >= Math.Max(1.0, meanBinSize * 0.5));
            if (!close) continue;
            bounds.Add(Midpoint(distinct[i], distinct[i + 1]));
            current = 0;
            if (!isBig[i])
            {
                restBins--;
                meanBinSize = (double)restCount / Math.Max(1, restBins);
            }
        }
        bounds.Add(float.PositiveInfinity);
        return [.. bounds];
    }

    /// <summary>A float t with a &lt;= t &lt; b, so "x &lt;= t" separates the two values exactly.</summary>
    internal static float Midpoint(float a, float b)
    {
        float mid = (float)(((double)a + b) / 2);
        return mid >= a && mid < b ? mid : a;
    }
}
