using FraudWeb.Domain.Features;
using FraudWeb.Domain.Learning;
using FraudWeb.Domain.Simulation;
using FraudWeb.Services.Scoring;

namespace FraudWeb.Tests.Web.Scoring;

public sealed class ReasonPhrasesTests
{
    private static readonly string[] Groups =
    [
        ReasonPhrases.Amount, ReasonPhrases.CardActivity, ReasonPhrases.MerchantFraud, ReasonPhrases.MerchantActivity,
        ReasonPhrases.MerchantFamiliarity, ReasonPhrases.Night, ReasonPhrases.Weekend,
    ];

    private static readonly string[] Raising = ReasonWords.Raising;

    private static readonly string[] Lowering = ReasonWords.Lowering;

    public static TheoryData<string> Features() => [.. TransactionFeatures.Names];

    [Theory]
    [MemberData(nameof(Features))]
    public void GroupOf_EveryModelFeature_BelongsToANamedGroup(string feature) =>
        Assert.Contains(ReasonPhrases.GroupOf(feature), Groups);

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(40f)]
    public void Describe_EveryGroupBothWays_SaysTheDirectionItPushed(float value)
    {
        // Arrange
        var names = TransactionFeatures.Names;
        var values = new float[names.Count];
        values.AsSpan().Fill(value);

        foreach (var group in Groups)
        {
            // Act
            var raised = ReasonPhrases.Describe(group, +0.5, names, values);
            var lowered = ReasonPhrases.Describe(group, -0.5, names, values);

            // Assert
            Assert.True(Raising.Any(w => raised.Contains(w, StringComparison.Ordinal)) && !Lowering.Any(w => raised.Contains(w, StringComparison.Ordinal)), $"{group} +: {raised}");
            Assert.True(Lowering.Any(w => lowered.Contains(w, StringComparison.Ordinal)) && !Raising.Any(w => lowered.Contains(w, StringComparison.Ordinal)), $"{group} -: {lowered}");
        }
    }

    [Fact]
    public void Describe_AmountWellAboveUsual_SaysHowManyTimes()
    {
        // Arrange: 10 payments averaging 20 including this one of 110 -> usual (200 - 110) / 9 = 10.
        var names = TransactionFeatures.Names;
        var values = new float[names.Count];
        values[Index("tx_amount")] = 110;
        values[Index("customer_avg_amount_30day")] = 20;
        values[Index("customer_nb_tx_30day")] = 10;

        // Act
        var text = ReasonPhrases.Describe(ReasonPhrases.Amount, 1.2, names, values);

        // Assert
        Assert.Equal("This amount is 11x this card's usual spend.", text);
    }

    [Theory]
    [InlineData(1f, "This card's recent use raised the risk.")]
    [InlineData(2f, "This card has already been used once in the last day.")]
    [InlineData(4f, "This card has already been used 3 times in the last day.")]
    public void Describe_CardUsedInTheLastDay_CountsTheOtherPaymentsNotThisOne(float countWithThisPayment, string expected)
    {
        // Arrange: the handbook's one-day count includes the payment being scored (review finding, 2026-12-04: a
        // card's first payment said "used once")
        var names = TransactionFeatures.Names;
        var values = new float[names.Count];
        values[Index("customer_nb_tx_1day")] = countWithThisPayment;

        // Act
        var text = ReasonPhrases.Describe(ReasonPhrases.CardActivity, 0.8, names, values);

        // Assert
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(7, "This merchant had no confirmed fraud in the 30 days before the last 7 days.", "在最近 7 天之前的 30 天里，该商户没有已确认的欺诈。")]
    [InlineData(3, "This merchant had no confirmed fraud in the 30 days before the last 3 days.", "在最近 3 天之前的 30 天里，该商户没有已确认的欺诈。")]
    [InlineData(1, "This merchant had no confirmed fraud in the 30 days before the last day.", "在最近一天之前的 30 天里，该商户没有已确认的欺诈。")]
    public void Describe_MerchantWithoutFraudInItsWindow_SaysTheWindowEndsTheLabelDelayAgo(int delay, string expected, string chinese)
    {
        // Arrange (fraud-operations test: "no confirmed fraud recently" the day 64 frauds were confirmed there; the
        // features end the label delay before the payment)
        var names = TransactionFeatures.Names;
        var values = new float[names.Count];

        // Act
        var text = ReasonPhrases.Describe(ReasonPhrases.MerchantFraud, -0.4, names, values, delay);

        // Assert
        Assert.Equal(expected, text);
        using (FraudWeb.Tests.Web.Localization.CultureScope.Use(System.Globalization.CultureInfo.GetCultureInfo("zh-CN")))
        {
            Assert.Equal(chinese, ReasonPhrases.Localized(text));
        }
    }

    [Fact]
    public void TopReasons_ManySimulatedPayments_OneReasonPerGroupAndEveryPhraseAgreesWithItsSign()
    {
        // Arrange: a simulated history, its features, and a model trained on them (the product's learner).
        var simulation = TransactionSimulator.Generate(new SimulatorOptions { Customers = 300, Terminals = 600, Days = 45, Seed = 7 });
        var records = simulation.Transactions.Select(t => new TransactionRecord(t.TransactionId, t.Timestamp, t.CustomerId, t.TerminalId, t.Amount, t.IsFraud)).ToList();
        var names = TransactionFeatures.Names;
        var features = TransactionFeatures.ComputeBatch(records, new FeatureOptions());
        var labels = records.Select(r => r.IsFraud ? 1f : 0f).ToArray();
        var model = FastTreeTrainer.Train(new Dataset(features, records.Count, names.Count, labels, names),
            new BoostedTreesOptions { NumberOfTrees = 60, NumberOfLeaves = 8, LearningRate = 0.1, Threads = 2 });
        var failures = new List<string>();
        var contributions = new double[names.Count];
        var checkedRows = 0;
        var raisingReasons = 0;
        var loweringReasons = 0;

        // Act: every 10th payment, frauds included.
        for (var row = 0; row < records.Count; row += 10)
        {
            var values = features.AsSpan(row * names.Count, names.Count).ToArray();
            model.Explain(values, contributions);
            var reasons = TransactionScorer.TopReasons(names, values, contributions, 4);
            checkedRows++;
            if (reasons.Select(r => r.Feature).Distinct().Count() != reasons.Count) failures.Add($"row {row}: two reasons about one group: {string.Join(" | ", reasons.Select(r => r.Text))}");
            foreach (var reason in reasons)
            {
                if (reason.Contribution > 0) raisingReasons++;
                else loweringReasons++;
                var words = reason.Contribution > 0 ? Raising : Lowering;
                var opposite = reason.Contribution > 0 ? Lowering : Raising;
                if (!words.Any(w => reason.Text.Contains(w, StringComparison.Ordinal)) || opposite.Any(w => reason.Text.Contains(w, StringComparison.Ordinal)))
                    failures.Add($"row {row}: {reason.Contribution:+0.000;-0.000} \"{reason.Text}\"");
            }
        }

        // Assert
        Assert.True(checkedRows > 1000, "too few payments were checked");
        // Phrases of both signs were read, about as many as the rows at least (no reasons at all would pass the checks).
        Assert.True(raisingReasons > 0 && loweringReasons > 0, $"{raisingReasons} raising and {loweringReasons} lowering reasons");
        Assert.True(raisingReasons + loweringReasons >= checkedRows, $"{raisingReasons + loweringReasons} reasons for {checkedRows} payments");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
    }

    private static int Index(string feature) => TransactionFeatures.Names.ToList().IndexOf(feature);
}
