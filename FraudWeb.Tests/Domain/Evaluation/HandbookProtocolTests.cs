using FraudWeb.Domain.Evaluation;
using FraudWeb.Domain.Features;
using static FraudWeb.Tests.Builders.TransactionRecordBuilder;

namespace FraudWeb.Tests.Domain.Evaluation;

public class HandbookProtocolTests
{
    private static readonly DateTime Day0 = new(2018, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    private static TransactionRecord On(long id, int day, long card, bool fraud = false, int hour = 12) =>
        Transaction(id).At(Day0.AddDays(day).AddHours(hour)).Card(card).Fraud(fraud);

    [Fact]
    public void DayNumbers_Transactions_CountFromTheFirstOnesMidnight()
    {
        TransactionRecord[] txs = [On(0, 0, 1, hour: 23), On(1, 1, 1, hour: 0), On(2, 3, 1, hour: 5)];

        Assert.Equal([0, 1, 3], HandbookProtocol.DayNumbers(txs));
        Assert.Equal(Day0, HandbookProtocol.FirstDate(txs));
    }

    [Fact]
    public void Split_OneDayEach_RemovesCardsKnownFromTrainingAndPassedDelayDays()
    {
        // train day 1 (days 1-2 with trainDays 2), delay days 3-4, test days 5-6.
        TransactionRecord[] txs =
        [
            On(0, 0, 1, fraud: true),   // before training: not used, card 1 not known
            On(1, 1, 2, fraud: true),   // training fraud: card 2 known
            On(2, 2, 3),                // training legit
            On(3, 3, 4, fraud: true),   // delay day 3 (= start + trainDays + 0): known from test day 6 on only
            On(4, 4, 5, fraud: true),   // delay day 4: would be known from test day 7 (outside)
            On(5, 5, 1),                // test day 5: card 1 kept
            On(6, 5, 2),                // card 2 known: removed
            On(7, 5, 4, fraud: true),   // card 4 not yet known on day 5: kept
            On(8, 6, 4),                // day 6: card 4 now known: removed
            On(9, 6, 5, fraud: true),   // card 5 still unknown: kept
            On(10, 7, 3),               // after the test days
        ];
        var days = HandbookProtocol.DayNumbers(txs);

        var split = HandbookProtocol.Split(txs, days, trainStart: 1, trainDays: 2, delayDays: 2, testDays: 2);

        Assert.Equal([1, 2], split.TrainRows);
        Assert.Equal([5, 7, 9], split.TestRows);
    }

    [Fact]
    public void Split_HandbookDefaults_UsesSevenSevenSeven()
    {
        var txs = Enumerable.Range(0, 30).Select(d => On(d, d, 100 + d)).ToArray();

        var split = HandbookProtocol.Split(txs, HandbookProtocol.DayNumbers(txs), trainStart: 2);

        Assert.Equal(Enumerable.Range(2, 7), split.TrainRows);
        Assert.Equal(Enumerable.Range(16, 7), split.TestRows);
    }
}
