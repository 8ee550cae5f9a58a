using FraudWeb.Domain.Features;
using FraudWeb.Services.Scoring;

namespace FraudWeb.Tests.Web.Scoring;

/// <summary>One card's or terminal's series in memory: windows as sums over its payments, whatever order they arrive in.</summary>
public sealed class FeatureHistorySeriesTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Windows_PaymentsInAnyOrderWithRepeats_EqualSumsOverDistinctPayments()
    {
        // Arrange: 500 payments over 40 days, some at the same moment, added out of order and some twice
        var random = new Random(20261202);
        var payments = new List<(long Ticks, long Id, decimal Amount)>();
        for (var id = 1; id <= 500; id++)
        {
            var ticks = random.Next(8) == 0 && payments.Count > 0 ? payments[^1].Ticks : (Now - TimeSpan.FromMinutes(random.Next(40 * 24 * 60))).Ticks;
            payments.Add((ticks, id, random.Next(1, 100_000) / 100m));
        }
        var series = new FeatureHistory.Series();
        series.Fill(Now.AddDays(-80), []);
        foreach (var (ticks, id, amount) in payments.OrderBy(_ => random.Next()).Concat(payments.Take(50))) series.Add(ticks, id, amount);

        // Act and assert: at many moments, each window's count and total are those of the payments in (end - w, end]
        for (var i = 0; i < 200; i++)
        {
            var end = Now - TimeSpan.FromMinutes(random.Next(10 * 24 * 60));
            if (i % 10 == 0) end = new DateTime(payments[random.Next(payments.Count)].Ticks, DateTimeKind.Utc);
            var windows = series.Windows(end, TransactionFeatures.CustomerWindow);
            Assert.Equal(Expected(payments, end), windows);
        }
    }

    [Fact]
    public void Fill_WithPaymentsAddedWhileReading_KeepsEachOnce()
    {
        // Arrange: a series kept before its read; two payments commit during the read, one of which the read also saw
        var series = new FeatureHistory.Series();
        series.Add(Now.AddMinutes(-1).Ticks, 11, 5m);
        series.Add(Now.AddMinutes(-2).Ticks, 10, 7m);
        Assert.False(series.Filled);
        Assert.Null(series.Windows(Now, TransactionFeatures.CustomerWindow));

        // Act
        series.Fill(Now.AddDays(-31), [(Now.AddDays(-3), 3, 100m), (Now.AddMinutes(-2), 10, 7m)]);

        // Assert
        Assert.True(series.Filled);
        Assert.Equal(new WindowTotals(2, 3, 3, 12m, 112m, 112m), series.Windows(Now, TransactionFeatures.CustomerWindow));
    }

    [Fact]
    public void Windows_ReachingBeforeWhatWasRead_NullSoTheDatabaseAnswers()
    {
        // Arrange: read back 31 days from now
        var series = new FeatureHistory.Series();
        series.Fill(Now.AddDays(-31), [(Now.AddDays(-2), 1, 10m)]);

        // Act and assert: now is covered; a moment two days earlier needs 30 days before it, which were not read
        Assert.NotNull(series.Windows(Now, TransactionFeatures.CustomerWindow));
        Assert.Null(series.Windows(Now.AddDays(-2), TransactionFeatures.CustomerWindow));
    }

    [Fact]
    public void Add_MonthsLater_OldPaymentsTrimmedAndRecentWindowsExact()
    {
        // Arrange: a payment a day for 200 days, added as they come
        var series = new FeatureHistory.Series();
        var start = Now.AddDays(-200);
        series.Fill(start.AddDays(-1), []);
        var payments = new List<(long Ticks, long Id, decimal Amount)>();
        for (var day = 0; day < 200; day++)
        {
            var payment = (start.AddDays(day).Ticks, (long)day + 1, day + 1m);
            payments.Add(payment);
            series.Add(payment.Ticks, payment.Item2, payment.Item3);
        }

        // Assert: no longer covers the start, still answers the last 30 days exactly
        Assert.True(series.CoveredAfter > start.AddDays(60).Ticks);
        var end = new DateTime(payments[^1].Ticks, DateTimeKind.Utc);
        Assert.Equal(Expected(payments, end), series.Windows(end, TransactionFeatures.CustomerWindow));
        Assert.Null(series.Windows(start.AddDays(40), TransactionFeatures.CustomerWindow));
    }

    [Fact]
    public void Keep_TheSameCardTwice_OneSeriesUntilForgotten()
    {
        // Arrange
        var history = new FeatureHistory();
        var kept = history.Keep(SeriesKind.Card, 7);

        // Act and assert: kept once; a payment reaches it; forgetting the card (not the terminal with that id) drops it
        Assert.Same(kept, history.Keep(SeriesKind.Card, 7));
        kept.Fill(Now.AddDays(-31), []);
        history.Recorded(1, 7, 9, Now, 3m, countsAsSpend: true, isFraud: false);
        Assert.Equal(1, history.Card(7)!.Windows(Now, TransactionFeatures.CustomerWindow)!.Value.Count1);
        history.Forget([], [7]);
        Assert.Same(kept, history.Card(7));
        history.Forget([7], []);
        Assert.Null(history.Card(7));
    }

    [Fact]
    public void Recorded_ADeclinedAttempt_OnlyItsTerminalCountsIt()
    {
        // Arrange
        var history = new FeatureHistory();
        history.Keep(SeriesKind.Card, 1).Fill(Now.AddDays(-31), []);
        history.Keep(SeriesKind.Terminal, 2).Fill(Now.AddDays(-38), []);

        // Act
        history.Recorded(5, 1, 2, Now, 40m, countsAsSpend: false, isFraud: false);

        // Assert
        Assert.Equal(0, history.Card(1)!.Windows(Now, TransactionFeatures.CustomerWindow)!.Value.Count1);
        Assert.Equal(1, history.Terminal(2)!.Windows(Now, TransactionFeatures.TerminalWindow)!.Value.Count1);
    }

    private static WindowTotals Expected(List<(long Ticks, long Id, decimal Amount)> payments, DateTime end)
    {
        var distinct = payments.DistinctBy(p => p.Id).Where(p => p.Ticks <= end.Ticks).ToList();
        var windows = Enumerable.Range(0, 3).Select(w => distinct.Where(p => p.Ticks > (end - TransactionFeatures.CustomerWindow(w)).Ticks).ToList()).ToList();
        return new WindowTotals(windows[0].Count, windows[1].Count, windows[2].Count,
            windows[0].Sum(p => p.Amount), windows[1].Sum(p => p.Amount), windows[2].Sum(p => p.Amount));
    }
}
