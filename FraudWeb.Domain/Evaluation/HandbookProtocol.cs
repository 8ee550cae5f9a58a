using FraudWeb.Domain.Features;

namespace FraudWeb.Domain.Evaluation;

/// <summary>Row indexes of a protocol split, in input order.</summary>
public sealed record ProtocolSplit(int[] TrainRows, int[] TestRows);

/// <summary>
/// The Fraud Detection Handbook's baseline protocol: train on TrainDays days from TrainStart, wait DelayDays days
/// (labels not yet known), test on TestDays days. Days count from the first transaction's date (day 0). Cards known to
/// be compromised are removed from the test days: those with a fraud in the training days, then, for each test day
/// d (0-based), those with a fraud on day TrainStart + TrainDays + d - 1 (a day of the delay period that has passed).
/// </summary>
public static class HandbookProtocol
{
    /// <summary>Day number of every transaction, counted from the date (midnight) of the earliest one.</summary>
    public static int[] DayNumbers(IReadOnlyList<TransactionRecord> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var days = new int[transactions.Count];
        if (transactions.Count == 0) return days;
        var first = FirstDate(transactions);
        for (var i = 0; i < days.Length; i++)
        {
            days[i] = (int)((transactions[i].Timestamp.Ticks - first.Ticks) / TimeSpan.TicksPerDay);
        }

        return days;
    }

    /// <summary>The date (midnight) of the earliest transaction: day 0.</summary>
    public static DateTime FirstDate(IReadOnlyList<TransactionRecord> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (transactions.Count == 0) throw new ArgumentException("No transactions.", nameof(transactions));
        var min = DateTime.MaxValue;
        foreach (var t in transactions) if (t.Timestamp < min) min = t.Timestamp;
        return min.Date;
    }

    public static ProtocolSplit Split(IReadOnlyList<TransactionRecord> transactions, IReadOnlyList<int> days, int trainStart,
        int trainDays = 7, int delayDays = 7, int testDays = 7)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(days);
        if (days.Count != transactions.Count) throw new ArgumentException("One day number per transaction is needed.", nameof(days));
        ArgumentOutOfRangeException.ThrowIfNegative(trainStart);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainDays);
        ArgumentOutOfRangeException.ThrowIfNegative(delayDays);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testDays);

        var train = new List<int>();
        var known = new HashSet<long>();
        var fraudCardsByDay = new Dictionary<int, List<long>>();
        var testByDay = new Dictionary<int, List<int>>();
        var testStart = trainStart + trainDays + delayDays;
        for (var i = 0; i < transactions.Count; i++)
        {
            var day = days[i];
            var tx = transactions[i];
            if (day >= trainStart && day < trainStart + trainDays)
            {
                train.Add(i);
                if (tx.IsFraud) known.Add(tx.CustomerId);
            }

            if (tx.IsFraud)
            {
                if (!fraudCardsByDay.TryGetValue(day, out var cards)) fraudCardsByDay[day] = cards = [];
                cards.Add(tx.CustomerId);
            }

            if (day >= testStart && day < testStart + testDays)
            {
                if (!testByDay.TryGetValue(day, out var rows)) testByDay[day] = rows = [];
                rows.Add(i);
            }
        }

        var test = new List<int>();
        for (var d = 0; d < testDays; d++)
        {
            if (fraudCardsByDay.TryGetValue(trainStart + trainDays + d - 1, out var passed)) known.UnionWith(passed);
            if (!testByDay.TryGetValue(testStart + d, out var rows)) continue;
            foreach (var i in rows)
            {
                if (!known.Contains(transactions[i].CustomerId)) test.Add(i);
            }
        }

        return new ProtocolSplit([.. train], [.. test]);
    }
}
