using FraudWeb.Domain.Learning;

namespace FraudWeb.Tests.Domain.Learning;

public class BinFinderTests
{
    [Fact]
    public void FromSample_FewDistinctValues_PutsThresholdsAtMidpoints()
    {
        // Arrange
        float[] sample = [3, 1, 2, 1, 3, 3, 7, float.NaN];

        // Act
        var bins = BinFinder.FromSample(sample, sample.Length, 255);

        // Assert
        Assert.Equal([1.5f, 2.5f, 5f, float.PositiveInfinity], bins.UpperBounds);
        Assert.Equal(0, bins.BinOf(1));
        Assert.Equal(2, bins.BinOf(3));
        Assert.Equal(3, bins.BinOf(100));
        Assert.Equal(bins.NanBin, bins.BinOf(float.NaN));
    }

    [Fact]
    public void FromSample_ManyDistinctValues_MakesAtMostMaxBinsWithMonotoneThresholdsAndEvenOccupancy()
    {
        // Arrange
        var random = new Random(7);
        var sample = Enumerable.Range(0, 50_000).Select(_ => (float)(random.NextDouble() * 1000)).ToArray();
        var values = sample.ToArray();

        // Act
        var bins = BinFinder.FromSample(sample, sample.Length, 255);

        // Assert
        Assert.InRange(bins.ValueBinCount, 200, 255);
        for (int i = 1; i < bins.UpperBounds.Length; i++) Assert.True(bins.UpperBounds[i] > bins.UpperBounds[i - 1]);
        var occupancy = new int[bins.TotalBinCount];
        foreach (float v in values) occupancy[bins.BinOf(v)]++;
        double mean = (double)values.Length / bins.ValueBinCount;
        Assert.All(occupancy.Take(bins.ValueBinCount), count => Assert.InRange(count, mean / 3, mean * 3));
    }

    [Fact]
    public void BinOf_AnyValue_IsTheFirstBinWhoseUpperBoundIsNotBelowIt()
    {
        // Arrange
        var random = new Random(8);
        var sample = Enumerable.Range(0, 5000).Select(_ => (float)Math.Round(random.NextDouble() * 100, 1)).ToArray();
        var bins = BinFinder.FromSample(sample, sample.Length, 37);
        var probes = bins.UpperBounds.Concat(Enumerable.Range(0, 2000).Select(_ => (float)(random.NextDouble() * 120 - 10)))
            .Append(float.NegativeInfinity).Append(float.PositiveInfinity).Append(float.MaxValue);

        foreach (float value in probes)
        {
            // Act
            int bin = bins.BinOf(value);

            // Assert
            Assert.Equal(Array.FindIndex(bins.UpperBounds, bound => value <= bound), bin);
        }
    }

    [Fact]
    public void FindUpperBounds_HeavyValueAmongMany_GetsABinOfItsOwn()
    {
        // Arrange: 1000 distinct values, value 500 holds half the mass.
        var distinct = Enumerable.Range(0, 1000).Select(i => (float)i).ToArray();
        var counts = Enumerable.Repeat(1, 1000).ToArray();
        counts[500] = 1000;

        // Act
        var bounds = BinFinder.FindUpperBounds(distinct, counts, 16);
        var bins = new FeatureBins(bounds);

        // Assert
        Assert.True(bounds.Length <= 16);
        int heavyBin = bins.BinOf(500);
        int sharing = distinct.Count(v => bins.BinOf(v) == heavyBin);
        Assert.True(sharing < 1000 / 16, $"{sharing} values share the heavy value's bin");
        Assert.NotEqual(heavyBin, bins.BinOf(501));
    }

    [Fact]
    public void FromSample_InfiniteValues_BinsThemWithoutInfiniteMidpoints()
    {
        // Arrange
        float[] sample = [float.NegativeInfinity, 0, 1, float.PositiveInfinity];

        // Act
        var bins = BinFinder.FromSample(sample, sample.Length, 255);

        // Assert
        Assert.Equal(4, bins.ValueBinCount);
        Assert.Equal(0, bins.BinOf(float.NegativeInfinity));
        Assert.Equal(1, bins.BinOf(0));
        Assert.Equal(2, bins.BinOf(1));
        Assert.Equal(3, bins.BinOf(float.PositiveInfinity));
        Assert.Equal(1f, bins.UpperBounds[2]);
    }

    [Fact]
    public void FromSample_OnlyMissingValues_HasOneValueBinAndTheNanBin()
    {
        // Arrange
        float[] sample = [float.NaN, float.NaN];

        // Act
        var bins = BinFinder.FromSample(sample, sample.Length, 255);

        // Assert
        Assert.Equal(1, bins.ValueBinCount);
        Assert.Equal(1, bins.BinOf(float.NaN));
    }

    [Fact]
    public void SortAscending_MixedSignsInfinitiesAndRepeats_MatchesAComparisonSort()
    {
        // Arrange
        var random = new Random(3);
        var values = Enumerable.Range(0, 5000).Select(i => (i % 5) switch
        {
            0 => (float)(random.NextDouble() * 2e6 - 1e6),
            1 => (float)Math.Round(random.NextDouble() * 20 - 10),
            2 => (float)(random.NextDouble() * 1e-40),
            3 => i % 2 == 0 ? float.NegativeInfinity : float.PositiveInfinity,
            _ => float.MaxValue * (i % 2 == 0 ? -1 : 1),
        }).ToArray();
        var expected = values.ToArray();
        Array.Sort(expected);

        // Act
        BinFinder.SortAscending(values);

        // Assert
        Assert.Equal(expected, values);
    }

    [Fact]
    public void FromSample_NegativeAndPositiveZero_AreOneDistinctValue()
    {
        // Arrange
        float[] sample = [1, -0f, 0f, -0f, -1];

        // Act
        var bins = BinFinder.FromSample(sample, sample.Length, 255);

        // Assert
        Assert.Equal([-0.5f, 0.5f, float.PositiveInfinity], bins.UpperBounds);
        Assert.Equal(bins.BinOf(0f), bins.BinOf(-0f));
    }
}
