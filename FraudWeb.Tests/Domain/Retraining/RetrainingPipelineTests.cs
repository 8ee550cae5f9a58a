using FraudWeb.Domain.Features;
using FraudWeb.Domain.Learning;
using FraudWeb.Domain.Retraining;
using FraudWeb.Domain.Simulation;
using Xunit.Abstractions;

namespace FraudWeb.Tests.Domain.Retraining;

public class RetrainingPipelineTests(ITestOutputHelper output)
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly RetrainingOptions SmallOptions = new()
    {
        MaturityDays = 7,
        TrainingDays = 120,
        HoldoutDays = 7,
        MinimumTrainingFrauds = 10,
        CardPrecisionK = 10,
        // At k = 10 over 7 days one card moves CP@k by 0.014.
        CardPrecisionTolerance = 0.05,
        Trainer = new BoostedTreesOptions { Seed = 3, Threads = 2 },
    };

    [Fact]
    public void Run_NewFraudPatternReportedAndConfirmed_ChallengerPromotedAndRecallRises()
    {
        // Arrange: a history with the simulator's fraud, all of it known, and a serving model trained at day 60.
        var simulated = TransactionSimulator.Generate(new SimulatorOptions
        {
            Customers = 400, Terminals = 800, Days = 110, Start = Start, Seed = 11,
        });
        var history = simulated.Transactions
            .Select(t => new LabelledTransaction(t.TransactionId, t.Timestamp, t.CustomerId, t.TerminalId, t.Amount,
                t.IsFraud ? GroundTruth.Fraud : GroundTruth.Unknown))
            .ToList();
        var championOutcome = RetrainingPipeline.Run(history, Start.AddDays(60), champion: null, SmallOptions);
        var champion = championOutcome.Challenger;

        // A new pattern from day 60: card testing, bursts of small night-time payments on stolen cards.
        var pattern = CardTestingBursts(simulated, firstDay: 60, lastDay: 109, cardsPerDay: 4, seed: 5);
        var retrainAt = Start.AddDays(86);
        // Card holders report what happened before the retraining; analysts confirm; the later ones are not known yet.
        var withPattern = history
            .Select(t => t.Timestamp < retrainAt ? t : t with { Truth = GroundTruth.Unknown })
            .Concat(pattern.Select(t => t with { Truth = t.Timestamp < retrainAt ? GroundTruth.Fraud : GroundTruth.Unknown }))
            .ToList();
        var later = pattern.Where(t => t.Timestamp >= retrainAt).Select(t => t.TransactionId).ToHashSet();
        var championRecallBefore = RecallOn(champion, withPattern, later);

        // Act
        var outcome = RetrainingPipeline.Run(withPattern, retrainAt, champion, SmallOptions);
        var challengerRecall = RecallOn(outcome.Challenger, withPattern, later);

        // Assert
        output.WriteLine($"Later card-testing transactions: {later.Count}. Recall at p >= 0.65: serving model {championRecallBefore:P1}, retrained {challengerRecall:P1}.");
        output.WriteLine(outcome.Decision.Reason);
        Assert.True(outcome.Decision.Promote, outcome.Decision.Reason);
        Assert.True(later.Count > 100);
        Assert.True(championRecallBefore < 0.5, $"The serving model already caught {championRecallBefore:P1}: the pattern is not new to it.");
        Assert.True(challengerRecall >= championRecallBefore + 0.3, $"Recall rose only from {championRecallBefore:P1} to {challengerRecall:P1}.");
    }

    [Fact]
    public void Run_ServingModelTrainedOnTheHoldoutsDays_ComparedOnItsOwnHoldoutWhichNeitherTrainedOn()
    {
        // Arrange: one simulated history, every fraud known; the serving model trained at day 110 (its holdout: days
        // 96-103). A week later this run's holdout (days 103-110) holds frauds the serving model trained on (review
        // finding, 2026-12-04: challengers as good as it were rejected against its score on them).
        var history = KnownHistory(days: 120);
        var served = RetrainingPipeline.Run(history, Start.AddDays(110), champion: null, SmallOptions);
        var servedHoldout = new HoldoutWindow(served.HoldoutStart, served.HoldoutEnd);

        // Act
        var fair = RetrainingPipeline.Run(history, Start.AddDays(117), served.Challenger, SmallOptions, championHoldout: servedHoldout);
        var flattering = RetrainingPipeline.Run(history, Start.AddDays(117), served.Challenger, SmallOptions);

        // Assert: on this run's holdout the serving model looks better than it is; on its own holdout the two are
        // compared fairly, and the challenger's own holdout figures are still this run's
        output.WriteLine(fair.Decision.Reason);
        output.WriteLine(flattering.Decision.Reason);
        Assert.True(flattering.ChampionMetrics!.AveragePrecision > flattering.ChallengerMetrics.AveragePrecision + SmallOptions.Tolerance,
            "The serving model did not score better on days it trained on: the case this test is about did not arise.");
        Assert.True(fair.Decision.Promote, fair.Decision.Reason);
        Assert.Equal(Start.AddDays(103), fair.HoldoutStart);
        Assert.Equal(flattering.ChallengerMetrics.Rows, fair.ChallengerMetrics.Rows);
        Assert.True(fair.Metadata.Metrics.ContainsKey("compared_auc"));
        Assert.True(fair.Metadata.TrainingRows < flattering.Metadata.TrainingRows, "The challenger trained on the days it is compared on.");
    }

    [Fact]
    public void Run_LabelsOfMixedAge_ConfirmedUsedMaturedLegitimateRecentUnlabelledExcluded()
    {
        // Arrange: 40 days of one transaction an hour; every 25th confirmed fraud, every 50th confirmed legitimate.
        var history = Enumerable.Range(0, 40 * 24).Select(i => new LabelledTransaction(i, Start.AddHours(i), i % 30, i % 7,
            i % 25 == 0 ? 500 : 20 + (i % 13),
            i % 25 == 0 ? GroundTruth.Fraud : i % 50 == 1 ? GroundTruth.Legitimate : GroundTruth.Unknown)).ToList();
        var asOf = Start.AddDays(40);
        var options = SmallOptions with { MaturityDays = 10, HoldoutDays = 5, TrainingDays = 60, MinimumTrainingFrauds = 5 };

        // Act
        var outcome = RetrainingPipeline.Run(history, asOf, champion: null, options);

        // Assert: the last 10 days' unlabelled transactions are left out, the older ones count as legitimate.
        var recent = history.Where(t => t.Timestamp >= asOf.AddDays(-10)).ToList();
        Assert.Equal(recent.Count(t => t.Truth == GroundTruth.Unknown), outcome.Labels.ExcludedUnlabelled);
        Assert.Equal(history.Count(t => t.Truth == GroundTruth.Fraud), outcome.Labels.ConfirmedFraud);
        Assert.Equal(history.Count(t => t.Truth == GroundTruth.Legitimate), outcome.Labels.ConfirmedLegitimate);
        Assert.Equal(history.Count(t => t.Truth == GroundTruth.Unknown && t.Timestamp < asOf.AddDays(-10)), outcome.Labels.MaturedLegitimate);
        Assert.Equal(asOf.AddDays(-15), outcome.HoldoutStart);
        Assert.Equal(5 * 24, outcome.ChallengerMetrics.Rows);
        Assert.True(outcome.Decision.Promote);
        // The training dates are the trained rows': from the first transaction (the 60-day look-back reaches before
        // any), to the last labelled one outside the holdout, not asOf.
        var trained = history.Where(t => (t.Truth != GroundTruth.Unknown || t.Timestamp < asOf.AddDays(-10))
            && !(t.Timestamp >= outcome.HoldoutStart && t.Timestamp < outcome.HoldoutEnd)).ToList();
        Assert.Equal(Start, outcome.Metadata.TrainingWindowStart);
        Assert.Equal(trained.Max(t => t.Timestamp), outcome.Metadata.TrainingWindowEnd);
        Assert.Equal(Start, outcome.TrainingWindowStart);
    }

    [Fact]
    public void Run_TooFewConfirmedFrauds_ThrowsRetrainingException()
    {
        var history = Enumerable.Range(0, 500).Select(i => new LabelledTransaction(i, Start.AddHours(i), i % 10, i % 5, 30,
            i == 100 ? GroundTruth.Fraud : GroundTruth.Unknown)).ToList();

        var error = Assert.Throws<RetrainingException>(() => RetrainingPipeline.Run(history, Start.AddDays(30), null, SmallOptions));

        Assert.Contains("Only 1 confirmed frauds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ChallengerWorseBeyondTolerance_Rejected()
    {
        var champion = new HoldoutMetrics(0.90, 0.60, 0.30, 1000, 20);
        var challenger = new HoldoutMetrics(0.90, 0.55, 0.30, 1000, 20);

        var decision = RetrainingPipeline.Decide(new FixedModel(), champion, challenger, tolerance: 0.02, cardPrecisionTolerance: 0.02);

        Assert.False(decision.Promote);
        Assert.Contains("AP", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ChallengerWorseWithinTolerance_Promoted()
    {
        var champion = new HoldoutMetrics(0.90, 0.60, 0.30, 1000, 20);
        var challenger = new HoldoutMetrics(0.895, 0.59, 0.29, 1000, 20);

        var decision = RetrainingPipeline.Decide(new FixedModel(), champion, challenger, tolerance: 0.02, cardPrecisionTolerance: 0.02);

        Assert.True(decision.Promote, decision.Reason);
    }

    [Fact]
    public void Decide_CardPrecisionWorseBeyondItsTolerance_Rejected()
    {
        var champion = new HoldoutMetrics(0.90, 0.60, 0.30, 1000, 20);
        var challenger = new HoldoutMetrics(0.92, 0.62, 0.25, 1000, 20);

        var decision = RetrainingPipeline.Decide(new FixedModel(), champion, challenger, tolerance: 0.01, cardPrecisionTolerance: 0.02);

        Assert.False(decision.Promote);
        Assert.Contains("CP@k", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(22, 8)]
    [InlineData(21, 7)]
    [InlineData(100, 86)]
    public void Decide_CardPrecisionWorseByExactlyItsTolerance_PromotedWhateverTheRounding(int championCards, int challengerCards)
    {
        // Review: 22 vs 8 cards of 700 (k 100, 7 days) was rejected and 21 vs 7 promoted, the same 14-card gap
        var champion = new HoldoutMetrics(0.90, 0.60, championCards / 700.0, 1000, 20);
        var challenger = new HoldoutMetrics(0.90, 0.60, challengerCards / 700.0, 1000, 20);

        var decision = RetrainingPipeline.Decide(new FixedModel(), champion, challenger, tolerance: 0.01, cardPrecisionTolerance: 0.02);

        Assert.True(decision.Promote, decision.Reason);
    }

    [Fact]
    public void Decide_NoServingModel_Promoted()
    {
        var decision = RetrainingPipeline.Decide(null, null, new HoldoutMetrics(0.5, 0.1, 0.1, 10, 1), tolerance: 0, cardPrecisionTolerance: 0);

        Assert.True(decision.Promote);
    }

    [Fact]
    public void Decide_HoldoutWithOneClass_RejectedWithReason()
    {
        var champion = new HoldoutMetrics(double.NaN, double.NaN, 0, 100, 0);
        var challenger = new HoldoutMetrics(double.NaN, double.NaN, 0, 100, 0);

        var decision = RetrainingPipeline.Decide(new FixedModel(), champion, challenger, tolerance: 0.01, cardPrecisionTolerance: 0.01);

        Assert.False(decision.Promote);
        Assert.Contains("single class", decision.Reason, StringComparison.Ordinal);
    }

    private static double RecallOn(FastTreeModel model, IReadOnlyList<LabelledTransaction> history, HashSet<long> targets)
    {
        var sorted = history.OrderBy(t => t.Timestamp).ThenBy(t => t.TransactionId).ToArray();
        var features = TransactionFeatures.ComputeBatch(Array.ConvertAll(sorted, t => t.ToRecord()), new FeatureOptions());
        var width = TransactionFeatures.Names.Count;
        int caught = 0, total = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (!targets.Contains(sorted[i].TransactionId)) continue;
            total++;
            if (model.PredictProbability(features.AsSpan(i * width, width)) >= 0.65) caught++;
        }

        return (double)caught / total;
    }

    /// <summary>Each day, some cards are used for bursts of 5-8 small payments between 01:00 and 04:00 at random terminals.</summary>
    private static List<LabelledTransaction> CardTestingBursts(SimulationResult simulated, int firstDay, int lastDay, int cardsPerDay, int seed)
    {
        var random = new Random(seed);
        var nextId = simulated.Transactions.Count;
        var result = new List<LabelledTransaction>();
        for (var day = firstDay; day <= lastDay; day++)
        {
            for (var c = 0; c < cardsPerDay; c++)
            {
                var card = simulated.Customers[random.Next(simulated.Customers.Count)].CustomerId;
                var burst = random.Next(5, 9);
                var time = Start.AddDays(day).AddHours(1 + random.NextDouble());
                for (var b = 0; b < burst; b++)
                {
                    time = time.AddMinutes(2 + (random.NextDouble() * 20));
                    var terminal = simulated.Terminals[random.Next(simulated.Terminals.Count)].TerminalId;
                    result.Add(new LabelledTransaction(nextId++, time, card, terminal, Math.Round(1 + (random.NextDouble() * 4), 2), GroundTruth.Fraud));
                }
            }
        }

        return result;
    }

    [Fact]
    public void Run_ServingModelsHoldoutNoLongerInTheHistory_ComparedOnThisRunsHoldout()
    {
        // Arrange: the serving version's recorded holdout lies before the first stored payment (purged, or another
        // installation's): nothing to compare on there
        var history = KnownHistory(days: 70);
        var served = RetrainingPipeline.Run(history, Start.AddDays(60), champion: null, SmallOptions);

        // Act
        var outcome = RetrainingPipeline.Run(history, Start.AddDays(67), served.Challenger, SmallOptions,
            championHoldout: new HoldoutWindow(Start.AddDays(-30), Start.AddDays(-23)));

        // Assert: judged on this run's holdout (both classes), not refused as "a single class"
        Assert.False(double.IsNaN(outcome.ChampionMetrics!.Auc));
        Assert.Equal(outcome.ChallengerMetrics.Rows, outcome.ChampionMetrics.Rows);
        Assert.False(outcome.Metadata.Metrics.ContainsKey("compared_auc"));
    }

    [Fact]
    public void Evaluate_HoldoutStartingAtNoon_CardPrecisionOverItsSevenDaysNotEight()
    {
        // Arrange: a row every 6 hours for 7 days from noon, each on its own card; the first of every 24 hours is a
        // fraud, and the model ranks exactly by it (feature 0)
        var start = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        var width = TransactionFeatures.Names.Count;
        const int rows = 7 * 4;
        var transactions = Enumerable.Range(0, rows)
            .Select(i => new LabelledTransaction(i, start.AddHours(6 * i), i, 1, 10, i % 4 == 0 ? GroundTruth.Fraud : GroundTruth.Unknown)).ToList();
        var labels = transactions.Select(t => t.Truth == GroundTruth.Fraud).ToArray();
        var features = new float[rows * width];
        for (var i = 0; i < rows; i++) features[i * width] = labels[i] ? 1 : 0;

        // Act
        var metrics = RetrainingPipeline.Evaluate(new FeatureZeroModel(), features, labels, [.. Enumerable.Range(0, rows)], transactions, start, k: 1);

        // Assert: every one of the seven days has its fraud on top (counted from midnight, an eighth day without one gave 7/8)
        Assert.Equal(1.0, metrics.CardPrecisionAtK);
    }

    /// <summary>The simulator's history of 400 cards (seed 11), every fraud known.</summary>
    private static List<LabelledTransaction> KnownHistory(int days) =>
        TransactionSimulator.Generate(new SimulatorOptions { Customers = 400, Terminals = 800, Days = days, Start = Start, Seed = 11 }).Transactions
            .Select(t => new LabelledTransaction(t.TransactionId, t.Timestamp, t.CustomerId, t.TerminalId, t.Amount,
                t.IsFraud ? GroundTruth.Fraud : GroundTruth.Unknown))
            .ToList();

    private sealed class FeatureZeroModel : IFraudModel
    {
        public IReadOnlyList<string> FeatureNames => TransactionFeatures.Names;
        public double PredictMargin(ReadOnlySpan<float> features) => features[0];
        public double PredictProbability(ReadOnlySpan<float> features) => features[0];
        public double Explain(ReadOnlySpan<float> features, Span<double> contributions) => 0;
    }

    private sealed class FixedModel : IFraudModel
    {
        public IReadOnlyList<string> FeatureNames => TransactionFeatures.Names;
        public double PredictMargin(ReadOnlySpan<float> features) => 0;
        public double PredictProbability(ReadOnlySpan<float> features) => 0.5;
        public double Explain(ReadOnlySpan<float> features, Span<double> contributions) => 0;
    }
}
