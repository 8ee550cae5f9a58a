using FraudWeb.Domain.Evaluation;

namespace FraudWeb.Tests.Domain.Evaluation;

public class MetricsTests
{
    private static readonly double[] SklearnScores = [0.1, 0.4, 0.35, 0.8];
    private static readonly bool[] SklearnLabels = [false, false, true, true];

    [Fact]
    public void AucRoc_SklearnExample_Is075()
    {
        Assert.Equal(0.75, Metrics.AucRoc(SklearnScores, SklearnLabels), 12);
    }

    [Fact]
    public void AucRoc_TiedScores_UseAverageRanks()
    {
        // Positives rank 2.5 (tied with a negative) and 4: (6.5 - 3) / (2 * 2).
        Assert.Equal(0.875, Metrics.AucRoc([0.1, 0.5, 0.5, 0.9], [false, true, false, true]), 12);
        Assert.Equal(0.5, Metrics.AucRoc([0.3, 0.3, 0.3], [true, false, false]), 12);
    }

    [Fact]
    public void AucRoc_MoreRowsThanMlNetSamplesForCurves_ExactWithTies()
    {
        // 300,000 rows (ML.NET samples 100,000 for its PR curve): half the positives tie with every negative at 0.4,
        // so AUC = 1/2 + 1/2 * 1/2 exactly; a sample would miss it in the last digits.
        const int n = 300_000;
        var scores = new double[n];
        var labels = new bool[n];
        for (var i = 0; i < n; i++)
        {
            labels[i] = i % 10 == 0;
            scores[i] = labels[i] && i % 20 == 0 ? 0.6 : 0.4;
        }

        Assert.Equal(0.75, Metrics.AucRoc(scores, labels), 12);
    }

    [Fact]
    public void AucRoc_SingleClass_IsNaN()
    {
        Assert.True(double.IsNaN(Metrics.AucRoc([0.1, 0.2], [false, false])));
    }

    [Fact]
    public void AveragePrecision_SklearnExample_Is083()
    {
        Assert.Equal(5.0 / 6, Metrics.AveragePrecision(SklearnScores, SklearnLabels), 12);
    }

    [Fact]
    public void AveragePrecision_TiedScores_OneStepPerDistinctThreshold()
    {
        // Threshold 0.5 flags two (one fraud): R 0.5, P 0.5; threshold 0.2 flags three: R 1, P 2/3.
        var ap = Metrics.AveragePrecision([0.5, 0.5, 0.2, 0.1], [true, false, true, false]);

        Assert.Equal((0.5 * 0.5) + (0.5 * 2 / 3.0), ap, 12);
    }

    [Fact]
    public void CardPrecisionAtK_TwoDays_AveragesTopCardsByMaxScore()
    {
        // Day 0: card 1 max 0.9 (fraud), card 2 0.8 (legit), card 3 0.1 (fraud) -> top 2 has 1 fraud: 0.5.
        // Day 1: card 1 0.2 (legit), card 4 0.7 (fraud) -> top 2 has 1 fraud: 0.5; k divides even with fewer cards.
        double[] scores = [0.9, 0.3, 0.8, 0.1, 0.2, 0.7];
        bool[] labels = [false, true, false, true, false, true];
        int[] days = [0, 0, 0, 0, 1, 1];
        long[] cards = [1, 1, 2, 3, 1, 4];

        Assert.Equal(0.5, Metrics.CardPrecisionAtK(scores, labels, days, cards, 2), 12);
        Assert.Equal(((2 / 3.0) + (1 / 3.0)) / 2, Metrics.CardPrecisionAtK(scores, labels, days, cards, 3), 12);
    }

    [Fact]
    public void AtThreshold_HandCounts_GivePrecisionRecallF1()
    {
        var m = Metrics.AtThreshold([0.9, 0.6, 0.4, 0.2], [true, false, true, false], 0.5);

        Assert.Equal((1, 1, 1), (m.TruePositives, m.FalsePositives, m.FalseNegatives));
        Assert.Equal(0.5, m.Precision, 12);
        Assert.Equal(0.5, m.Recall, 12);
        Assert.Equal(0.5, m.F1, 12);
    }

    [Fact]
    public void AtThreshold_NoPositives_RecallAndF1Undefined()
    {
        // Review finding: 0/0 read as 0, "every fraud missed", where there was none to find.
        var m = Metrics.AtThreshold([0.9, 0.2], [false, false], 0.5);

        Assert.Equal(0, m.Precision);
        Assert.Equal(1, m.FalsePositives);
        Assert.True(double.IsNaN(m.Recall));
        Assert.True(double.IsNaN(m.F1));
    }

    [Fact]
    public void AtThreshold_NothingFlagged_PrecisionUndefinedF1Zero()
    {
        // Review finding: 0/0 read as 0, "every flag wrong", where nothing was flagged.
        var m = Metrics.AtThreshold([0.4, 0.2, 0.1], [true, false, false], 0.5);

        Assert.True(double.IsNaN(m.Precision));
        Assert.Equal(0, m.Recall);
        Assert.Equal(0, m.F1);
    }

    [Fact]
    public void LogLoss_HandValue_MatchesFormula()
    {
        var expected = -(Math.Log(0.8) + Math.Log(0.9)) / 2;

        Assert.Equal(expected, Metrics.LogLoss([0.8, 0.1], [true, false]), 12);
    }

    [Fact]
    public void RocCurve_SklearnExample_PointsFromOriginToOne()
    {
        var points = Metrics.RocCurve(SklearnScores, SklearnLabels);

        Assert.Equal([(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)], points.Select(p => (p.X, p.Y)));
    }

    [Fact]
    public void PrecisionRecallCurve_SklearnExample_RecallRisesToOne()
    {
        var points = Metrics.PrecisionRecallCurve(SklearnScores, SklearnLabels);

        Assert.Equal([(0.5, 1.0), (0.5, 0.5), (1.0, 2 / 3.0), (1.0, 0.5)], points.Select(p => (p.X, p.Y)));
    }

    [Fact]
    public void RocCurve_ManyPoints_ThinnedKeepingEnds()
    {
        var scores = Enumerable.Range(0, 1000).Select(i => i / 1000.0).ToArray();
        var labels = scores.Select(s => s > 0.5).ToArray();

        var points = Metrics.RocCurve(scores, labels, 50);

        Assert.Equal(50, points.Count);
        Assert.Equal((0.0, 0.0), (points[0].X, points[0].Y));
        Assert.Equal((1.0, 1.0), (points[^1].X, points[^1].Y));
    }

    [Fact]
    public void AucRoc_NaNScore_Throws()
    {
        Assert.Throws<ArgumentException>(() => Metrics.AucRoc([double.NaN, 0.1], [true, false]));
    }
}
