using FraudWeb.Domain.Features;
using FraudWeb.Domain.Simulation;
using static FraudWeb.Tests.Builders.TransactionRecordBuilder;

namespace FraudWeb.Tests.Domain.Features;

public class TransactionFeaturesTests
{
    private static readonly FeatureOptions Options = new();
    private static readonly int Width = TransactionFeatures.Names.Count;

    private static float Feature(float[] batch, int row, string name) =>
        batch[(row * Width) + TransactionFeatures.Names.ToList().IndexOf(name)];

    [Fact]
    public void Names_FirstFifteen_AreTheHandbookBaselineInOrder()
    {
        string[] expected =
        [
            "tx_amount", "tx_during_weekend", "tx_during_night",
            "customer_nb_tx_1day", "customer_avg_amount_1day",
            "customer_nb_tx_7day", "customer_avg_amount_7day",
            "customer_nb_tx_30day", "customer_avg_amount_30day",
            "terminal_nb_tx_1day", "terminal_risk_1day",
            "terminal_nb_tx_7day", "terminal_risk_7day",
            "terminal_nb_tx_30day", "terminal_risk_30day",
        ];

        var names = TransactionFeatures.Names;

        Assert.Equal(expected, names.Take(TransactionFeatures.BaselineCount));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Theory]
    [InlineData("UTC", 0f, 0f)]
    [InlineData("Asia/Shanghai", 1f, 1f)]
    [InlineData("America/Los_Angeles", 0f, 0f)]
    public void ComputeBatch_FridayEveningUtc_NightAndWeekendOnTheIssuersClock(string zone, float weekend, float night)
    {
        // Arrange (edge-case review: night and weekend were UTC's; 20:30 UTC on a Friday is 04:30 on Saturday in Shanghai)
        var options = new FeatureOptions { LocalTime = TimeZoneInfo.FindSystemTimeZoneById(zone) };
        var friday = new DateTime(2026, 12, 4, 20, 30, 0, DateTimeKind.Utc);

        // Act
        var batch = TransactionFeatures.ComputeBatch([Transaction(1).At(friday).Build()], options);

        // Assert
        Assert.Equal(weekend, Feature(batch, 0, "tx_during_weekend"));
        Assert.Equal(night, Feature(batch, 0, "tx_during_night"));
    }

    [Fact]
    public void ComputeBatch_FraudConfirmedAfterALaterPayment_NotCountedInThatPaymentsTerminalRisk()
    {
        // Arrange (review: retraining counted frauds confirmed after the payment, which its scoring could not see): a
        // fraud on day 0 confirmed on day 20, payments at its terminal on days 10 and 25
        var day0 = new DateTime(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc);
        TransactionRecord[] history =
        [
            Transaction(1).At(day0).Card(1).Terminal(7).Fraud().Build() with { FraudKnownUtc = day0.AddDays(20) },
            Transaction(2).At(day0.AddDays(10)).Card(2).Terminal(7).Build(),
            Transaction(3).At(day0.AddDays(25)).Card(3).Terminal(7).Build(),
        ];

        // Act
        var batch = TransactionFeatures.ComputeBatch(history, Options);
        var online = new float[Width];
        TransactionFeatures.ComputeOnline(history[1], history, history, Options, online);

        // Assert: unknown on day 10 (in the window, not yet confirmed), known on day 25; online says the same
        Assert.Equal(1f, Feature(batch, 1, "terminal_nb_tx_30day"));
        Assert.Equal(0f, Feature(batch, 1, "terminal_risk_30day"));
        Assert.Equal(0.5f, Feature(batch, 2, "terminal_risk_30day"));
        Assert.Equal(batch.AsSpan(Width, Width).ToArray(), online);
    }

    [Fact]
    public void ComputeOnlineAndFromTotals_IssuersClock_SameAsBatch()
    {
        // Arrange: the three paths of one definition, on a zone with daylight saving
        var options = new FeatureOptions { LocalTime = TimeZoneInfo.FindSystemTimeZoneById("America/New_York") };
        var history = Enumerable.Range(1, 40).Select(i => Transaction(i).At(TimeSpan.FromHours(7 * i)).Build()).ToArray();
        var batch = TransactionFeatures.ComputeBatch(history, options);
        var nightsMoved = 0;

        foreach (var (tx, row) in history.Select((t, i) => (t, i)))
        {
            // Act
            var online = new float[Width];
            TransactionFeatures.ComputeOnline(tx, history, history, options, online);
            var utc = new float[Width];
            TransactionFeatures.ComputeOnline(tx, history, history, new FeatureOptions(), utc);

            // Assert
            Assert.Equal(batch.AsSpan(row * Width, Width).ToArray(), online);
            Assert.Equal(online[3..], utc[3..]);
            if (online[2] != utc[2]) nightsMoved++;
        }
        Assert.True(nightsMoved > 0, "The zone moved no payment in or out of the night: the test shows nothing.");
    }

    [Fact]
    public void Lookbacks_DefaultOptions_CoverLongestWindows()
    {
        Assert.Equal(TimeSpan.FromDays(30), TransactionFeatures.CustomerLookback(Options));
        Assert.Equal(TimeSpan.FromDays(37), TransactionFeatures.TerminalLookback(Options));
    }

    [Fact]
    public void ComputeBatch_CustomerWindows_IncludeCurrentAndExcludeExactWindowStart()
    {
        TransactionRecord[] txs =
        [
            Transaction(1).At(TimeSpan.FromDays(-30)).Amount(1000),          // exactly 30 days before the last: outside
            Transaction(2).At(TimeSpan.FromDays(-1)).Amount(30),              // exactly 1 day before: outside the 1-day window
            Transaction(3).At(TimeSpan.FromDays(-1) + TimeSpan.FromTicks(1)).Amount(20),
            Transaction(4).At(TimeSpan.Zero).Amount(10),
        ];

        var batch = TransactionFeatures.ComputeBatch(txs, Options);

        Assert.Equal(2f, Feature(batch, 3, "customer_nb_tx_1day"));
        Assert.Equal(15f, Feature(batch, 3, "customer_avg_amount_1day"));
        Assert.Equal(3f, Feature(batch, 3, "customer_nb_tx_7day"));
        Assert.Equal(20f, Feature(batch, 3, "customer_avg_amount_7day"));
        Assert.Equal(3f, Feature(batch, 3, "customer_nb_tx_30day"));
        Assert.Equal(1f, Feature(batch, 0, "customer_nb_tx_1day"));
        Assert.Equal(1000f, Feature(batch, 0, "customer_avg_amount_30day"));
    }

    [Fact]
    public void ComputeBatch_SameTimestamp_EarlierIdCountsFirst()
    {
        TransactionRecord[] txs = [Transaction(5).Amount(10), Transaction(6).Amount(30)];

        var batch = TransactionFeatures.ComputeBatch(txs, Options);

        Assert.Equal(1f, Feature(batch, 0, "customer_nb_tx_1day"));
        Assert.Equal(10f, Feature(batch, 0, "customer_avg_amount_1day"));
        Assert.Equal(2f, Feature(batch, 1, "customer_nb_tx_1day"));
        Assert.Equal(20f, Feature(batch, 1, "customer_avg_amount_1day"));
    }

    [Fact]
    public void ComputeBatch_TerminalWindows_ShiftedByDelayWithInclusiveEnd()
    {
        var now = TimeSpan.FromDays(40);
        TransactionRecord[] txs =
        [
            Transaction(1).Card(9).At(now - TimeSpan.FromDays(37)).Fraud(),   // t - delay - 30 days: outside every window
            Transaction(2).Card(9).At(now - TimeSpan.FromDays(8)).Fraud(),    // t - delay - 1 day: outside the 1-day window
            Transaction(3).Card(9).At(now - TimeSpan.FromDays(7.5)),
            Transaction(4).Card(9).At(now - TimeSpan.FromDays(7)).Fraud(),    // t - delay: inside
            Transaction(5).Card(9).At(now - TimeSpan.FromDays(7) + TimeSpan.FromTicks(1)).Fraud(), // label not known yet
            Transaction(6).Card(2).At(now),
        ];

        var batch = TransactionFeatures.ComputeBatch(txs, Options);

        Assert.Equal(2f, Feature(batch, 5, "terminal_nb_tx_1day"));
        Assert.Equal(0.5f, Feature(batch, 5, "terminal_risk_1day"));
        Assert.Equal(3f, Feature(batch, 5, "terminal_nb_tx_7day"));
        Assert.Equal(2f / 3f, Feature(batch, 5, "terminal_risk_7day"));
        Assert.Equal(3f, Feature(batch, 5, "terminal_nb_tx_30day"));
        Assert.Equal(0f, Feature(batch, 0, "terminal_nb_tx_30day"));
        Assert.Equal(0f, Feature(batch, 0, "terminal_risk_30day"));
    }

    [Theory]
    [InlineData(2018, 4, 1, 6, 59, 1f, 1f)]   // Sunday, before 7:00
    [InlineData(2018, 4, 2, 7, 0, 0f, 0f)]    // Monday, 7:00
    [InlineData(2018, 4, 7, 23, 0, 1f, 0f)]   // Saturday evening
    public void ComputeBatch_CalendarFlags_MatchHandbook(int year, int month, int day, int hour, int minute, float weekend, float night)
    {
        TransactionRecord[] txs = [Transaction(1).At(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc))];

        var batch = TransactionFeatures.ComputeBatch(txs, Options);

        Assert.Equal(weekend, Feature(batch, 0, "tx_during_weekend"));
        Assert.Equal(night, Feature(batch, 0, "tx_during_night"));
    }

    [Fact]
    public void ComputeBatch_AmountRatio_IsAmountOverCardThirtyDayMean()
    {
        TransactionRecord[] txs =
        [
            Transaction(1).At(TimeSpan.FromDays(-31)).Amount(1000),   // outside the 30-day window
            Transaction(2).At(TimeSpan.FromHours(-2)).Amount(10),
            Transaction(3).At(TimeSpan.FromHours(-1)).Amount(10),
            Transaction(4).At(TimeSpan.Zero).Amount(40),
        ];

        var batch = TransactionFeatures.ComputeBatch(txs, Options);

        Assert.Equal(2f, Feature(batch, 3, "customer_amount_ratio_30day"));          // 40 / mean(10, 10, 40)
        Assert.Equal(1f, Feature(batch, 0, "customer_amount_ratio_30day"));
    }

    [Fact]
    public void ComputeBatch_SpendingShift_IsDayAndWeekMeanOverThirtyDayMean()
    {
        TransactionRecord[] txs =
        [
            Transaction(1).At(TimeSpan.FromDays(-10)).Amount(100),
            Transaction(2).At(TimeSpan.FromDays(-3)).Amount(40),
            Transaction(3).At(TimeSpan.FromHours(-2)).Amount(10),
            Transaction(4).At(TimeSpan.FromHours(-1)).Amount(10),
            Transaction(5).At(TimeSpan.Zero).Amount(40),
        ];

        var batch = TransactionFeatures.ComputeBatch(txs, Options);

        // 30-day mean 200 / 5 = 40; week (40 + 10 + 10 + 40) / 4 = 25; day (10 + 10 + 40) / 3 = 20.
        Assert.Equal(0.5f, Feature(batch, 4, "customer_avg_amount_1day_to_30day"));
        Assert.Equal(0.625f, Feature(batch, 4, "customer_avg_amount_7day_to_30day"));
        Assert.Equal(1f, Feature(batch, 0, "customer_avg_amount_7day_to_30day"));
    }

    [Fact]
    public void ComputeBatch_ZeroAmounts_RatioIsOne()
    {
        TransactionRecord[] txs = [Transaction(1).Amount(0)];

        var batch = TransactionFeatures.ComputeBatch(txs, Options);

        Assert.Equal(1f, Feature(batch, 0, "customer_amount_ratio_30day"));
        Assert.Equal(1f, Feature(batch, 0, "customer_avg_amount_1day_to_30day"));
        Assert.Equal(1f, Feature(batch, 0, "customer_avg_amount_7day_to_30day"));
        Assert.Equal(0f, Feature(batch, 0, "customer_avg_amount_1day"));
    }

    [Fact]
    public void ComputeBatch_UnsortedInput_Throws()
    {
        TransactionRecord[] txs = [Transaction(2).At(TimeSpan.FromHours(1)), Transaction(1)];

        Assert.Throws<ArgumentException>(() => TransactionFeatures.ComputeBatch(txs, Options));
    }

    [Fact]
    public void ComputeBatch_SimulatedHistory_EveryFeatureIsFinite()
    {
        // ML.NET drops a training row with a NaN silently, and an infinity would poison a split: neither may occur.
        var simulated = TransactionSimulator.Generate(new SimulatorOptions { Customers = 600, Terminals = 1200, Days = 90, Seed = 13 });
        var txs = simulated.Transactions.Select(t => new TransactionRecord(t.TransactionId, t.Timestamp, t.CustomerId, t.TerminalId, t.Amount, t.IsFraud))
            .Prepend(new TransactionRecord(0, simulated.Transactions[0].Timestamp.AddDays(-1), 1, 1, 0, false))
            .OrderBy(t => t.Timestamp).ThenBy(t => t.TransactionId).ToArray();

        var batch = TransactionFeatures.ComputeBatch(txs, Options);

        Assert.True(txs.Length > 50_000);
        var bad = Enumerable.Range(0, batch.Length).Where(i => !float.IsFinite(batch[i])).Take(5).ToList();
        Assert.True(bad.Count == 0, $"Non-finite features at {string.Join(", ", bad.Select(i => $"row {i / Width} {TransactionFeatures.Names[i % Width]}"))}");
    }

    [Fact]
    public void ComputeOnline_SimulatedStreamWithTiesAndDeclines_MatchesBatchBitwise()
    {
        var simulated = TransactionSimulator.Generate(new SimulatorOptions { Customers = 40, Terminals = 60, Days = 70, Seed = 7, TerminalRadius = 20 });
        // Round times to 10 minutes to force many same-time transactions, then sort by the tie rule.
        var txs = simulated.Transactions
            .Select(t => new TransactionRecord(t.TransactionId, new DateTime(t.Timestamp.Ticks / TimeSpan.TicksPerMinute / 10 * TimeSpan.TicksPerMinute * 10, DateTimeKind.Utc),
                t.CustomerId, t.TerminalId, t.Amount, t.IsFraud, CountsAsSpend: t.TransactionId % 7 != 3))
            .OrderBy(t => t.Timestamp).ThenBy(t => t.TransactionId).ToArray();
        var batch = TransactionFeatures.ComputeBatch(txs, Options);
        var byCard = txs.ToLookup(t => t.CustomerId);
        var byTerminal = txs.ToLookup(t => t.TerminalId);
        var online = new float[Width];
        var mismatches = 0;

        for (var i = 0; i < txs.Length; i++)
        {
            var tx = txs[i];
            // What a store would return: earlier transactions within the lookbacks, in arbitrary (reversed) order.
            var cardHistory = byCard[tx.CustomerId].Where(h => IsEarlier(h, tx) && h.Timestamp > tx.Timestamp - TransactionFeatures.CustomerLookback(Options)).Reverse().ToList();
            var terminalHistory = byTerminal[tx.TerminalId].Where(h => IsEarlier(h, tx) && h.Timestamp > tx.Timestamp - TransactionFeatures.TerminalLookback(Options)).Reverse().ToList();
            TransactionFeatures.ComputeOnline(tx, cardHistory, terminalHistory, Options, online);
            for (var f = 0; f < Width; f++)
            {
                if (BitConverter.SingleToInt32Bits(online[f]) != BitConverter.SingleToInt32Bits(batch[(i * Width) + f])) mismatches++;
            }
        }

        Assert.True(txs.Length > 1000);
        Assert.True(txs.Zip(txs.Skip(1)).Count(p => p.First.Timestamp == p.Second.Timestamp) > 50);
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void ComputeBatch_DeclinedAttempt_CountsForItselfButNotAsLaterSpend()
    {
        // Arrange: a charged 40, a declined 99,999, then a 20 on the same card within the day
        var start = new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);
        TransactionRecord[] txs =
        [
            new(1, start, 5, 1, 40, false),
            new(2, start.AddHours(1), 5, 1, 99_999, false, CountsAsSpend: false),
            new(3, start.AddHours(2), 5, 1, 20, false),
        ];
        int Feature(string name) => TransactionFeatures.Names.ToList().IndexOf(name);

        // Act
        var batch = TransactionFeatures.ComputeBatch(txs, Options);

        // Assert: the attempt is compared with the spending before it; the payment after it sees only 40 and itself
        Assert.Equal(2f, batch[(1 * Width) + Feature("customer_nb_tx_1day")]);
        Assert.Equal((40f + 99_999f) / 2, batch[(1 * Width) + Feature("customer_avg_amount_1day")]);
        Assert.Equal(2f, batch[(2 * Width) + Feature("customer_nb_tx_1day")]);
        Assert.Equal(30f, batch[(2 * Width) + Feature("customer_avg_amount_1day")]);
        Assert.Equal(20f / 30f, batch[(2 * Width) + Feature("customer_amount_ratio_30day")], 5);
    }

    [Fact]
    public void ComputeOnline_HistoryWithLaterAndForeignRows_IgnoresThem()
    {
        TransactionRecord tx = Transaction(5).At(TimeSpan.FromDays(10)).Amount(10);
        TransactionRecord[] history =
        [
            Transaction(4).At(TimeSpan.FromDays(10)).Amount(20),
            Transaction(6).At(TimeSpan.FromDays(10)).Amount(999),            // same time, larger id: later
            Transaction(7).At(TimeSpan.FromDays(9)).Amount(999).Card(2),      // another card
        ];
        var expected = TransactionFeatures.ComputeBatch([history[0], tx], Options).AsSpan(Width).ToArray();
        var online = new float[Width];

        TransactionFeatures.ComputeOnline(tx, history, [], Options, online);

        Assert.Equal(expected, online);
    }

    private static bool IsEarlier(TransactionRecord h, TransactionRecord tx) =>
        h.Timestamp < tx.Timestamp || (h.Timestamp == tx.Timestamp && h.TransactionId < tx.TransactionId);
}
