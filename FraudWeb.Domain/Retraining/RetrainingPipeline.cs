using System.Diagnostics;
using System.Globalization;
using FraudWeb.Domain.Evaluation;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Learning;

namespace FraudWeb.Domain.Retraining;

/// <summary>Trains a challenger on the selected rows with the given options.</summary>
public delegate FastTreeModel ChallengerTrainer(Dataset train, BoostedTreesOptions options, IProgress<string>? progress);

/// <summary>A span of days whose payments a model was not trained on: its holdout.</summary>
public readonly record struct HoldoutWindow(DateTime Start, DateTime End)
{
    public bool Contains(DateTime timestamp) => timestamp >= Start && timestamp < End;
}

/// <summary>
/// Trains a challenger from labelled history and judges it against the serving model (the champion).
/// <para>
/// Labels: a confirmed label is used whatever its age; an unlabelled transaction older than the maturity period counts
/// as legitimate (nobody reported it in time) if it went through; a younger unlabelled one is left out, and so is one
/// the fraud check stopped. Time windows, with asOf the moment
/// of retraining: the holdout is the last <see cref="RetrainingOptions.HoldoutDays"/> days of the matured period
/// (so both classes are fully labelled there); the challenger learns from every other labelled transaction in the
/// training window, recent confirmed frauds included, which is how a new fraud pattern reaches the model quickly.
/// </para>
/// </summary>
public static class RetrainingPipeline
{
    /// <param name="history">The stored transactions from at least the training window plus the feature lookback; any order.</param>
    /// <param name="trainer">How the challenger is trained: <see cref="FastTreeTrainer"/> in this process by default
    /// (the web app passes one that trains in a child process, docs/decisions/0006).</param>
    /// <param name="championHoldout">
    /// The serving model's own holdout, the days it was not trained on. A model retrained more often than the maturity
    /// and holdout periods together has trained on this run's holdout days (their confirmed frauds), so scoring it there
    /// would flatter it and reject challengers as good as it. With this window the challenger leaves those days out of
    /// its training too, and the two are compared on them: rows neither has seen. Its own holdout (the figures
    /// recorded for it, and the window the next challenger is compared on) stays this run's.
    /// </param>
    public static RetrainingOutcome Run(IReadOnlyList<LabelledTransaction> history, DateTime asOf, IFraudModel? champion,
        RetrainingOptions options, IProgress<string>? progress = null, ChallengerTrainer? trainer = null, HoldoutWindow? championHoldout = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var matureCutoff = asOf.AddDays(-options.MaturityDays);
        var holdoutEnd = matureCutoff;
        var holdoutStart = matureCutoff.AddDays(-options.HoldoutDays);
        var windowStart = asOf.AddDays(-options.TrainingDays);

        var clock = Stopwatch.StartNew();
        var sorted = history.Where(t => t.Timestamp < asOf).OrderBy(t => t.Timestamp).ThenBy(t => t.TransactionId).ToArray();
        var records = Array.ConvertAll(sorted, t => t.ToRecord());
        var features = TransactionFeatures.ComputeBatch(records, options.Features);
        var featureTime = clock.Elapsed;
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"Features of {sorted.Length} transactions in {featureTime.TotalSeconds:F2} s."));

        var own = new HoldoutWindow(holdoutStart, holdoutEnd);
        var compareChampion = champion is not null && champion.FeatureNames.SequenceEqual(TransactionFeatures.Names);
        // The serving model's holdout, when known and fully labelled by now: the rows the two are compared on.
        HoldoutWindow? shared = compareChampion && championHoldout is { } w && w.End <= matureCutoff && w.Start < w.End ? w : null;
        // Without both classes there (its rows purged, or a window with no fraud) the two cannot be compared on it:
        // this run's holdout then, as before the windows were recorded.
        if (shared is { } candidate && !(sorted.Any(t => candidate.Contains(t.Timestamp) && LabelOf(t) == true)
                                         && sorted.Any(t => candidate.Contains(t.Timestamp) && LabelOf(t) == false)))
            shared = null;
        var train = new List<int>();
        var holdout = new List<int>();
        var comparison = new List<int>();
        int confirmedFraud = 0, confirmedLegitimate = 0, maturedLegitimate = 0, excluded = 0;
        var labels = new bool[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            var t = sorted[i];
            var inShared = shared?.Contains(t.Timestamp) == true;
            if (t.Timestamp < windowStart && !inShared) continue;
            var label = LabelOf(t);
            if (label is null)
            {
                excluded++;
                continue;
            }

            labels[i] = label.Value;
            var inOwn = own.Contains(t.Timestamp);
            if (inOwn) holdout.Add(i);
            if (inShared) comparison.Add(i);
            if (!inOwn && !inShared) train.Add(i);
            if (t.Truth == GroundTruth.Fraud) confirmedFraud++;
            else if (t.Truth == GroundTruth.Legitimate) confirmedLegitimate++;
            else maturedLegitimate++;
        }

        // A confirmed label, or legitimate once matured unreported; null while too young to say, or ever for a payment
        // the check stopped (declined or held): nobody reports those, so silence says nothing of them.
        bool? LabelOf(LabelledTransaction t) => t.Truth switch
        {
            GroundTruth.Fraud => true,
            GroundTruth.Legitimate => false,
            _ => t.MaturesUnreported && t.Timestamp < matureCutoff ? false : null,
        };

        var trainSet = Subset(features, labels, train);
        var trainFrauds = train.Count(i => labels[i]);
        if (trainFrauds < options.MinimumTrainingFrauds)
        {
            throw new RetrainingException(string.Create(CultureInfo.InvariantCulture,
                $"Only {trainFrauds} confirmed frauds in the training window (at least {options.MinimumTrainingFrauds} are needed); no model was trained."), tooFewExamples: true);
        }

        if (train.Count == trainFrauds)
        {
            throw new RetrainingException("The training window has no legitimate transactions; no model was trained.", tooFewExamples: true);
        }

        clock.Restart();
        var challenger = trainer is null
            ? FastTreeTrainer.Train(trainSet, options.Trainer, progress: progress)
            : trainer(trainSet, options.Trainer, progress);
        var trainingTime = clock.Elapsed;
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"Challenger trained on {train.Count} rows ({trainFrauds} frauds) in {trainingTime.TotalSeconds:F2} s."));

        clock.Restart();
        var challengerMetrics = Evaluate(challenger, features, labels, holdout, sorted, holdoutStart, options.CardPrecisionK);
        // Both on the same rows, which neither trained on: the serving model's holdout when given, else this run's.
        var (rows, firstDay) = shared is { } days ? (comparison, days.Start) : (holdout, holdoutStart);
        var championMetrics = compareChampion ? Evaluate(champion!, features, labels, rows, sorted, firstDay, options.CardPrecisionK) : null;
        var challengerCompared = shared is null ? challengerMetrics : Evaluate(challenger, features, labels, rows, sorted, firstDay, options.CardPrecisionK);
        var evaluationTime = clock.Elapsed;

        var decision = Decide(champion, championMetrics, challengerCompared, options.Tolerance, options.CardPrecisionTolerance);
        progress?.Report(decision.Reason);

        var metrics = new Dictionary<string, double>(challengerMetrics.ToDictionary("holdout_"));
        if (championMetrics is not null)
        {
            foreach (var (key, value) in championMetrics.ToDictionary("champion_holdout_")) metrics[key] = value;
        }
        if (shared is not null)
        {
            foreach (var (key, value) in challengerCompared.ToDictionary("compared_")) metrics[key] = value;
        }

        // The dates of the rows the model learned from: not the look-back's start (before any data on a young
        // installation) nor asOf (the holdout and the unlabelled days are not trained on). Rows are in time order.
        var trainedFrom = sorted[train[0]].Timestamp;
        var trainedTo = sorted[train[^1]].Timestamp;
        var metadata = new ModelMetadata
        {
            CreatedUtc = asOf,
            TrainingWindowStart = trainedFrom,
            TrainingWindowEnd = trainedTo,
            TrainingRows = train.Count,
            TrainingFrauds = trainFrauds,
            Metrics = metrics,
        };
        return new RetrainingOutcome(challenger, metadata, challengerMetrics, championMetrics, decision,
            new LabelCounts(confirmedFraud, confirmedLegitimate, maturedLegitimate, excluded),
            trainedFrom, holdoutStart, holdoutEnd, featureTime, trainingTime, evaluationTime);
    }

    /// <summary>Promote unless the challenger is worse than the champion beyond the tolerance on a metric the holdout can measure.</summary>
    public static PromotionDecision Decide(IFraudModel? champion, HoldoutMetrics? championMetrics, HoldoutMetrics challengerMetrics,
        double tolerance, double cardPrecisionTolerance)
    {
        ArgumentNullException.ThrowIfNull(challengerMetrics);
        if (champion is null) return new PromotionDecision(true, "Promoted: no model was serving.");
        if (championMetrics is null) return new PromotionDecision(true, "Promoted: the serving model uses another feature schema and cannot be compared.");
        if (double.IsNaN(challengerMetrics.Auc))
        {
            return new PromotionDecision(false, "Rejected: the holdout has a single class, so the models cannot be compared; the serving model stays.");
        }

        var worse = new List<string>();
        var summary = new List<string>();
        Compare("AUC", championMetrics.Auc, challengerMetrics.Auc, tolerance);
        Compare("AP", championMetrics.AveragePrecision, challengerMetrics.AveragePrecision, tolerance);
        Compare("CP@k", championMetrics.CardPrecisionAtK, challengerMetrics.CardPrecisionAtK, cardPrecisionTolerance);
        var figures = string.Join(", ", summary);
        return worse.Count == 0
            ? new PromotionDecision(true, $"Promoted: not worse than the serving model beyond the tolerance ({figures}).")
            : new PromotionDecision(false, $"Rejected: worse than the serving model on {string.Join(", ", worse)} ({figures}).");

        void Compare(string name, double championValue, double challengerValue, double allowed)
        {
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {challengerValue:F4} vs {championValue:F4}"));
            // "Worse beyond the tolerance" by more than floating-point rounding: CP@k moves in steps of 1/(k x days), so
            // a gap of exactly the tolerance (14 cards of 700) is common, and was rejected or promoted by its last bit.
            if (!double.IsNaN(championValue) && !double.IsNaN(challengerValue) && championValue - challengerValue > allowed + ComparisonSlack)
            {
                worse.Add(name);
            }
        }
    }

    /// <summary>Far below any metric's resolution (a holdout has at most millions of rows), far above double rounding.</summary>
    private const double ComparisonSlack = 1e-9;

    /// <summary>Scores the rows with a model and computes AUC, AP and card precision@k (days of 24 hours from <paramref name="firstDay"/>, the holdout's start).</summary>
    public static HoldoutMetrics Evaluate(IFraudModel model, float[] features, bool[] labels, IReadOnlyList<int> rows,
        IReadOnlyList<LabelledTransaction> transactions, DateTime firstDay, int k)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(transactions);
        var width = TransactionFeatures.Names.Count;
        var scores = new double[rows.Count];
        var truth = new bool[rows.Count];
        var days = new int[rows.Count];
        var cards = new long[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var i = rows[r];
            scores[r] = model.PredictProbability(features.AsSpan(i * width, width));
            truth[r] = labels[i];
            // Days of 24 hours from the holdout's start, which is a time of day: counted from midnight, its seven days
            // fell into eight, two of them partial, and CP@k averaged over eight (review finding, 2026-12-04).
            days[r] = (int)Math.Floor((transactions[i].Timestamp - firstDay).TotalDays);
            cards[r] = transactions[i].CardId;
        }

        return new HoldoutMetrics(
            Metrics.AucRoc(scores, truth),
            Metrics.AveragePrecision(scores, truth),
            rows.Count == 0 ? double.NaN : Metrics.CardPrecisionAtK(scores, truth, days, cards, k),
            rows.Count,
            truth.Count(l => l))
        {
            Scores = scores,
            Truth = truth,
        };
    }

    private static Dataset Subset(float[] features, bool[] labels, List<int> rows)
    {
        var width = TransactionFeatures.Names.Count;
        var x = new float[rows.Count * width];
        var y = new float[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            features.AsSpan(rows[r] * width, width).CopyTo(x.AsSpan(r * width, width));
            y[r] = labels[rows[r]] ? 1f : 0f;
        }

        return new Dataset(x, rows.Count, width, y, TransactionFeatures.Names);
    }
}
