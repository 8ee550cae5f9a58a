using Microsoft.ML;

namespace FraudWeb.Domain.Evaluation;

/// <summary>A point of a ROC curve (false/true positive rates) or PR curve (recall/precision) at a score threshold.</summary>
public readonly record struct CurvePoint(double Threshold, double X, double Y);

/// <summary>
/// Precision, recall and F1 when every score >= Threshold is flagged. Recall (and so F1) is NaN without a positive, and
/// precision is NaN when nothing is flagged: undefined, as AUC is over one class, not 0, which would read as every fraud
/// missed or every flag wrong.
/// </summary>
public readonly record struct ThresholdMetrics(double Threshold, int TruePositives, int FalsePositives, int FalseNegatives, double Precision, double Recall, double F1);

/// <summary>Binary classification metrics with the same definitions as scikit-learn (and the handbook's card precision).</summary>
public static class Metrics
{
    /// <summary>
    /// Area under the ROC curve from ML.NET's evaluator: every row is used (no sampling) and a tied positive-negative pair
    /// counts half, as in scikit-learn's roc_auc_score. Scores are compared in single precision, the precision of ML.NET's
    /// probabilities. NaN with a single class (where ML.NET throws).
    /// </summary>
    public static double AucRoc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        CheckLengths(scores, labels);
        long positives = 0;
        foreach (var l in labels) if (l) positives++;
        if (positives == 0 || positives == labels.Length) return double.NaN;
        var rows = new ScoredRow[scores.Length];
        for (var i = 0; i < rows.Length; i++) rows[i] = new ScoredRow { Label = labels[i], Score = (float)scores[i] };
        var context = new MLContext(seed: 0);
        var data = context.Data.LoadFromEnumerable(rows);
        return context.BinaryClassification.EvaluateNonCalibrated(data, nameof(ScoredRow.Label), nameof(ScoredRow.Score), nameof(ScoredRow.PredictedLabel)).AreaUnderRocCurve;
    }

    /// <summary>
    /// scikit-learn's average precision: sum over distinct thresholds of (R_n - R_{n-1}) * P_n. NaN without positives.
    /// Ours, not ML.NET's AreaUnderPrecisionRecallCurve, which differs (docs/decisions/0007).
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        CheckLengths(scores, labels);
        var order = SortAscending(scores);
        long positives = 0;
        foreach (var l in labels) if (l) positives++;
        if (positives == 0) return double.NaN;
        double ap = 0, previousRecall = 0;
        long tp = 0, flagged = 0;
        var i = order.Length - 1;
        while (i >= 0)
        {
            var j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) j--;
            for (var k = j; k <= i; k++) if (labels[order[k]]) tp++;
            flagged += i - j + 1;
            var recall = (double)tp / positives;
            ap += (recall - previousRecall) * ((double)tp / flagged);
            previousRecall = recall;
            i = j - 1;
        }

        return ap;
    }

    /// <summary>
    /// The handbook's card precision@k: for each day, cards ranked by their highest score, the share of frauded cards
    /// (any fraudulent transaction that day) among the top k (divided by k even when fewer cards), averaged over days.
    /// Equal card scores are ranked by card id.
    /// </summary>
    public static double CardPrecisionAtK(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, ReadOnlySpan<int> days, ReadOnlySpan<long> cards, int k = 100)
    {
        CheckLengths(scores, labels);
        if (days.Length != scores.Length || cards.Length != scores.Length) throw new ArgumentException("scores, labels, days and cards must have one entry per transaction.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var perDay = new SortedDictionary<int, Dictionary<long, (double Score, bool Fraud)>>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (!perDay.TryGetValue(days[i], out var byCard)) perDay[days[i]] = byCard = [];
            if (byCard.TryGetValue(cards[i], out var c))
            {
                byCard[cards[i]] = (Math.Max(c.Score, scores[i]), c.Fraud || labels[i]);
            }
            else
            {
                byCard[cards[i]] = (scores[i], labels[i]);
            }
        }

        if (perDay.Count == 0) return double.NaN;
        double total = 0;
        foreach (var byCard in perDay.Values)
        {
            var ranked = byCard.OrderByDescending(p => p.Value.Score).ThenBy(p => p.Key).Take(k);
            total += ranked.Count(p => p.Value.Fraud) / (double)k;
        }

        return total / perDay.Count;
    }

    public static ThresholdMetrics AtThreshold(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, double threshold)
    {
        CheckLengths(scores, labels);
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var flagged = scores[i] >= threshold;
            if (flagged && labels[i]) tp++;
            else if (flagged) fp++;
            else if (labels[i]) fn++;
        }

        var precision = tp + fp > 0 ? (double)tp / (tp + fp) : double.NaN;
        var recall = tp + fn > 0 ? (double)tp / (tp + fn) : double.NaN;
        // 2tp / (2tp + fp + fn): the harmonic mean where both are defined, and 0 when frauds exist and none is flagged.
        var f1 = double.IsNaN(recall) ? double.NaN : 2.0 * tp / (2 * tp + fp + fn);
        return new ThresholdMetrics(threshold, tp, fp, fn, precision, recall, f1);
    }

    /// <summary>Mean binary cross-entropy (natural log), probabilities clipped to [1e-15, 1 - 1e-15].</summary>
    public static double LogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels)
    {
        CheckLengths(probabilities, labels);
        if (probabilities.Length == 0) return double.NaN;
        double sum = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], 1e-15, 1 - 1e-15);
            sum -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / probabilities.Length;
    }

    /// <summary>ROC points (X = false positive rate, Y = true positive rate), one per distinct score from high to low, starting at (0, 0).</summary>
    public static IReadOnlyList<CurvePoint> RocCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int maxPoints = 200) =>
        Curve(scores, labels, roc: true, maxPoints);

    /// <summary>Precision-recall points (X = recall, Y = precision), one per distinct score from high to low.</summary>
    public static IReadOnlyList<CurvePoint> PrecisionRecallCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int maxPoints = 200) =>
        Curve(scores, labels, roc: false, maxPoints);

    private static List<CurvePoint> Curve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, bool roc, int maxPoints)
    {
        CheckLengths(scores, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        var order = SortAscending(scores);
        long positives = 0;
        foreach (var l in labels) if (l) positives++;
        var negatives = labels.Length - positives;
        var points = new List<CurvePoint>();
        if (roc) points.Add(new CurvePoint(double.PositiveInfinity, 0, 0));
        long tp = 0, fp = 0;
        var i = order.Length - 1;
        while (i >= 0)
        {
            var j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) j--;
            for (var k = j; k <= i; k++)
            {
                if (labels[order[k]]) tp++;
                else fp++;
            }

            var threshold = scores[order[i]];
            points.Add(roc
                ? new CurvePoint(threshold, negatives > 0 ? (double)fp / negatives : 0, positives > 0 ? (double)tp / positives : 0)
                : new CurvePoint(threshold, positives > 0 ? (double)tp / positives : 0, (double)tp / (tp + fp)));
            i = j - 1;
        }

        if (points.Count <= maxPoints) return points;
        // Thin evenly for charts, keeping both ends.
        var thinned = new List<CurvePoint>(maxPoints);
        for (var p = 0; p < maxPoints; p++) thinned.Add(points[(int)Math.Round(p * (points.Count - 1) / (double)(maxPoints - 1))]);
        return thinned;
    }

    private static void CheckLengths(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length) throw new ArgumentException("scores and labels must have the same length.");
        foreach (var s in scores)
        {
            if (double.IsNaN(s)) throw new ArgumentException("scores must not contain NaN.");
        }
    }

    /// <summary>One scored example as ML.NET's evaluator reads it; it asks for a predicted label too (unused by AUC).</summary>
    private sealed class ScoredRow
    {
        public bool Label { get; set; }

        public float Score { get; set; }

        public bool PredictedLabel { get; set; }
    }

    private static int[] SortAscending(ReadOnlySpan<double> scores)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        return order;
    }
}
