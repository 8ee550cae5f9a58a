namespace FraudWeb.Domain.Features;

public sealed record FeatureOptions
{
    /// <summary>Days before a transaction's label is known (the handbook's delay period).</summary>
    public int LabelDelayDays { get; init; } = 7;

    /// <summary>
    /// The clock of the night and weekend features: the card issuer's time zone (timestamps are UTC). UTC by default,
    /// as the handbook's data has no zone.
    /// </summary>
    public TimeZoneInfo LocalTime { get; init; } = TimeZoneInfo.Utc;

    /// <summary>A UTC timestamp on the <see cref="LocalTime"/> clock.</summary>
    public DateTime ToLocal(DateTime utc) =>
        LocalTime == TimeZoneInfo.Utc ? utc : TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), LocalTime);
}

/// <summary>
/// The transaction feature vector: the Fraud Detection Handbook's 15 baseline features (same names and definitions as
/// its reference code) followed by our extra features. One definition serves batch (training) and online (scoring):
/// both fill the vector from the same window statistics through <see cref="Fill"/>.
/// <para>
/// Windows: a customer (card) window of w days holds the card's transactions at times in (t - w, t], the current one
/// included; a terminal window of w days holds the terminal's transactions in (t - delay - w, t - delay], because labels
/// are only known after the delay. Ties in time: the earlier TransactionId counts as earlier, so a customer window
/// includes same-time transactions with a smaller id and excludes those with a larger id. A declined attempt
/// (<see cref="TransactionRecord.CountsAsSpend"/> false) is in its own customer windows but in no later transaction's:
/// it was never charged, so it is not spending that later payments are compared with.
/// Amount sums are exact (amounts in 1e-4 units, integer sums), so the result does not depend on summation order.
/// </para>
/// </summary>
/// <summary>Counts and totals (amounts, or frauds) of the 1, 7 and 30-day windows.</summary>
public readonly record struct WindowTotals(long Count1, long Count7, long Count30, decimal Total1, decimal Total7, decimal Total30);

public static class TransactionFeatures
{
    /// <summary>The handbook's 15 baseline features come first in the vector.</summary>
    public const int BaselineCount = 15;

    private static readonly int[] CustomerWindowDays = [1, 7, 30];
    private static readonly int[] TerminalWindowDays = [1, 7, 30];

    private const int LongestCustomerWindowDays = 30;
    private const int LongestTerminalWindowDays = 30;

    /// <summary>Amounts are summed as integers of this many units per currency unit: exact, order-independent sums.</summary>
    private const double AmountScale = 10000;

    private static readonly string[] FeatureNames =
    [
        "tx_amount", "tx_during_weekend", "tx_during_night",
        "customer_nb_tx_1day", "customer_avg_amount_1day",
        "customer_nb_tx_7day", "customer_avg_amount_7day",
        "customer_nb_tx_30day", "customer_avg_amount_30day",
        "terminal_nb_tx_1day", "terminal_risk_1day",
        "terminal_nb_tx_7day", "terminal_risk_7day",
        "terminal_nb_tx_30day", "terminal_risk_30day",
        "customer_amount_ratio_30day",
        "customer_avg_amount_1day_to_30day", "customer_avg_amount_7day_to_30day",
    ];

    /// <summary>Feature names, in vector order.</summary>
    public static IReadOnlyList<string> Names => FeatureNames;

    /// <summary>How far back the online computation needs the card's history.</summary>
    public static TimeSpan CustomerLookback(FeatureOptions options) => TimeSpan.FromDays(LongestCustomerWindowDays);

    /// <summary>How far back the online computation needs the terminal's history.</summary>
    public static TimeSpan TerminalLookback(FeatureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TimeSpan.FromDays(options.LabelDelayDays + LongestTerminalWindowDays);
    }

    /// <summary>
    /// Batch, O(n): transactions sorted by (Timestamp, TransactionId); returns rows * Names.Count values, row-major.
    /// Each card and terminal keeps its transactions in arrival order with one moving start per window, so every
    /// transaction enters and leaves each window once.
    /// </summary>
    public static float[] ComputeBatch(IReadOnlyList<TransactionRecord> sortedByTime, FeatureOptions options)
    {
        ArgumentNullException.ThrowIfNull(sortedByTime);
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        var n = sortedByTime.Count;
        var width = FeatureNames.Length;
        var output = new float[(long)n * width];
        var ticks = new long[n];
        var amounts = new long[n];
        var frauds = new bool[n];

        var customers = new Dictionary<long, CustomerState>();
        var terminals = new Dictionary<long, TerminalState>();
        var delayTicks = options.LabelDelayDays * TimeSpan.TicksPerDay;

        for (var i = 0; i < n; i++)
        {
            var tx = sortedByTime[i];
            if (i > 0)
            {
                var prev = sortedByTime[i - 1];
                if (prev.Timestamp > tx.Timestamp || (prev.Timestamp == tx.Timestamp && prev.TransactionId >= tx.TransactionId))
                {
                    throw new ArgumentException(
                        $"Transactions must be sorted by (Timestamp, TransactionId) without duplicates; index {i} (id {tx.TransactionId}) is out of order.",
                        nameof(sortedByTime));
                }
            }

            var t = tx.Timestamp.Ticks;
            ticks[i] = t;
            amounts[i] = ScaleAmount(tx.Amount);
            frauds[i] = tx.IsFraud;

            if (!customers.TryGetValue(tx.CustomerId, out var customer))
            {
                customer = new CustomerState();
                customers.Add(tx.CustomerId, customer);
            }

            var c = customer.Add(i, t, amounts, ticks);
            // A declined attempt sees the card's spending as any payment does, and leaves none for later ones.
            if (!tx.CountsAsSpend) customer.Withdraw(i, amounts);
            if (!terminals.TryGetValue(tx.TerminalId, out var terminal))
            {
                terminal = new TerminalState();
                terminals.Add(tx.TerminalId, terminal);
            }

            var term = terminal.Query(t - delayTicks, ticks, frauds);
            // A fraud confirmed only after this payment was made was not known to its scoring: not counted here either.
            terminal.SubtractConfirmedLater(t, delayTicks, ticks, sortedByTime, ref term);
            terminal.Rows.Add(i);
            if (tx.IsFraud && tx.FraudKnownUtc is { } known && known.Ticks > t + delayTicks) terminal.LateFrauds.Add(i);
            Fill(tx, c, term, options, output.AsSpan(i * width, width));
        }

        return output;
    }

    /// <summary>
    /// Online, for one transaction from stored history: the card's earlier transactions within CustomerLookback
    /// and the terminal's earlier transactions within TerminalLookback (any order, tx itself excluded).
    /// Gives exactly the vector ComputeBatch gives for the same transaction. History entries of another card or
    /// terminal, later in (Timestamp, TransactionId) order, or outside a window are ignored, so passing more is harmless.
    /// </summary>
    public static void ComputeOnline(in TransactionRecord tx, IReadOnlyList<TransactionRecord> customerHistory,
        IReadOnlyList<TransactionRecord> terminalHistory, FeatureOptions options, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(customerHistory);
        ArgumentNullException.ThrowIfNull(terminalHistory);
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        if (output.Length < FeatureNames.Length) throw new ArgumentException($"output needs {FeatureNames.Length} values.", nameof(output));

        var t = tx.Timestamp.Ticks;
        var amount = ScaleAmount(tx.Amount);
        var c = default(WindowStats<long>);
        c.Add(amount, 0);
        c.Add(amount, 1);
        c.Add(amount, 2);
        for (var k = 0; k < customerHistory.Count; k++)
        {
            var h = customerHistory[k];
            if (h.CustomerId != tx.CustomerId || !h.CountsAsSpend) continue;
            var ht = h.Timestamp.Ticks;
            if (ht > t || (ht == t && h.TransactionId >= tx.TransactionId)) continue;
            if (ht <= t - (LongestCustomerWindowDays * TimeSpan.TicksPerDay)) continue;
            var ha = ScaleAmount(h.Amount);
            for (var w = 0; w < CustomerWindowDays.Length; w++)
            {
                if (ht > t - (CustomerWindowDays[w] * TimeSpan.TicksPerDay)) c.Add(ha, w);
            }
        }

        var term = new WindowStats<int>();
        var upper = t - (options.LabelDelayDays * TimeSpan.TicksPerDay);
        for (var k = 0; k < terminalHistory.Count; k++)
        {
            var h = terminalHistory[k];
            if (h.TerminalId != tx.TerminalId) continue;
            var ht = h.Timestamp.Ticks;
            if (ht > upper) continue;
            var fraud = h.IsKnownFraudAt(t) ? 1 : 0;
            for (var w = 0; w < TerminalWindowDays.Length; w++)
            {
                if (ht > upper - (TerminalWindowDays[w] * TimeSpan.TicksPerDay)) term.Add(fraud, w);
            }
        }

        Fill(tx, c, term, options, output);
    }

    /// <summary>
    /// Online from window totals a database sums (no history rows read): <paramref name="cardEarlier"/> counts the card's
    /// earlier payments in the 1, 7 and 30-day customer windows (the payment itself excluded) with their amount totals;
    /// <paramref name="terminal"/> counts the terminal's payments in the 1, 7 and 30-day windows ending at t - delay with
    /// their frauds as totals. Gives exactly the vector <see cref="ComputeOnline"/> gives for the same history.
    /// </summary>
    public static void ComputeFromTotals(in TransactionRecord tx, WindowTotals cardEarlier, WindowTotals terminal, FeatureOptions options, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (output.Length < FeatureNames.Length) throw new ArgumentException($"output needs {FeatureNames.Length} values.", nameof(output));
        var amount = ScaleAmount(tx.Amount);
        var c = default(WindowStats<long>);
        c.Set(0, cardEarlier.Count1 + 1, ScaleTotal(cardEarlier.Total1) + amount);
        c.Set(1, cardEarlier.Count7 + 1, ScaleTotal(cardEarlier.Total7) + amount);
        c.Set(2, cardEarlier.Count30 + 1, ScaleTotal(cardEarlier.Total30) + amount);
        var term = default(WindowStats<int>);
        term.Set(0, checked((int)terminal.Count1), checked((int)terminal.Total1));
        term.Set(1, checked((int)terminal.Count7), checked((int)terminal.Total7));
        term.Set(2, checked((int)terminal.Count30), checked((int)terminal.Total30));
        Fill(tx, c, term, options, output);
    }

    /// <summary>The customer windows' lengths, for a database to sum over (1, 7, 30 days).</summary>
    public static TimeSpan CustomerWindow(int index) => TimeSpan.FromDays(CustomerWindowDays[index]);

    /// <summary>The terminal windows' lengths, ending at t - delay (1, 7, 30 days).</summary>
    public static TimeSpan TerminalWindow(int index) => TimeSpan.FromDays(TerminalWindowDays[index]);

    /// <summary>The single place turning window statistics into the vector (batch and online share it).</summary>
    private static void Fill(in TransactionRecord tx, in WindowStats<long> c, in WindowStats<int> term, FeatureOptions options, Span<float> output)
    {
        // Night and weekend on the issuer's clock (windows are durations: no clock needed).
        var time = options.ToLocal(tx.Timestamp);
        output[0] = (float)tx.Amount;
        output[1] = time.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1f : 0f;
        output[2] = time.Hour <= 6 ? 1f : 0f;
        for (var w = 0; w < CustomerWindowDays.Length; w++)
        {
            var count = c.Count(w);
            output[3 + (2 * w)] = count;
            output[4 + (2 * w)] = (float)(c.Total(w) / AmountScale / count);
        }

        for (var w = 0; w < TerminalWindowDays.Length; w++)
        {
            var count = term.Count(w);
            output[9 + (2 * w)] = count;
            output[10 + (2 * w)] = count > 0 ? (float)((double)term.Total(w) / count) : 0f;
        }

        // Beyond the handbook: how unusual the amount is for this card (compromised cards show multiplied amounts).
        var mean30 = c.Total(2) / AmountScale / c.Count(2);
        output[15] = mean30 > 0 ? (float)(tx.Amount / mean30) : 1f;

        // And whether the card's recent spending has shifted above its month: a compromised card keeps spending more.
        output[16] = mean30 > 0 ? (float)(c.Total(0) / AmountScale / c.Count(0) / mean30) : 1f;
        output[17] = mean30 > 0 ? (float)(c.Total(1) / AmountScale / c.Count(1) / mean30) : 1f;
    }

    /// <summary>
    /// The largest amount a transaction may have (1e9, a thousand times the payment form's limit). The card's window
    /// totals are longs of 1e-4 units: at 1e12 (the bound before) 922 payments in 30 days wrapped them round silently.
    /// </summary>
    public const double MaxAmount = 1e9;

    private static long ScaleAmount(double amount)
    {
        if (!double.IsFinite(amount) || Math.Abs(amount) > MaxAmount)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "A transaction amount must be finite and within 1e9.");
        }

        return (long)Math.Round(amount * AmountScale);
    }

    private static long ScaleTotal(decimal total) => decimal.ToInt64(decimal.Round(total * (decimal)AmountScale, MidpointRounding.AwayFromZero));

    private static void ValidateOptions(FeatureOptions options)
    {
        if (options.LabelDelayDays < 0 || options.LabelDelayDays > 3650)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LabelDelayDays, "LabelDelayDays must be in [0, 3650].");
        }
    }

    /// <summary>
    /// Count and total for each of the three windows: the card's payments and their exact amount sums (long), or the
    /// terminal's known payments and their frauds (int). Fields and switches rather than arrays: this runs for every
    /// transaction, and the switch measured faster than indexing an inline array.
    /// </summary>
    private struct WindowStats<T> where T : struct, System.Numerics.INumber<T>
    {
        private T _count0, _count1, _count2, _total0, _total1, _total2;

        public void Add(T value, int window)
        {
            switch (window)
            {
                case 0: _count0++; _total0 += value; break;
                case 1: _count1++; _total1 += value; break;
                default: _count2++; _total2 += value; break;
            }
        }

        public void Set(int window, T count, T total)
        {
            switch (window)
            {
                case 0: _count0 = count; _total0 = total; break;
                case 1: _count1 = count; _total1 = total; break;
                default: _count2 = count; _total2 = total; break;
            }
        }

        public readonly T Count(int window) => window switch { 0 => _count0, 1 => _count1, _ => _count2 };

        public readonly T Total(int window) => window switch { 0 => _total0, 1 => _total1, _ => _total2 };
    }

    /// <summary>A card's rows in arrival order, one moving start and running amount sum per window.</summary>
    private sealed class CustomerState
    {
        private readonly List<int> _rows = [];
        private readonly int[] _heads = new int[CustomerWindowDays.Length];
        private readonly long[] _sums = new long[CustomerWindowDays.Length];

        public WindowStats<long> Add(int row, long t, long[] amounts, long[] ticks)
        {
            _rows.Add(row);
            var stats = default(WindowStats<long>);
            for (var w = 0; w < _heads.Length; w++)
            {
                _sums[w] += amounts[row];
                var start = t - (CustomerWindowDays[w] * TimeSpan.TicksPerDay);
                while (ticks[_rows[_heads[w]]] <= start)
                {
                    _sums[w] -= amounts[_rows[_heads[w]]];
                    _heads[w]++;
                }

                stats.Set(w, _rows.Count - _heads[w], _sums[w]);
            }

            return stats;
        }

        /// <summary>Takes back the row just added (a declined attempt): later rows' windows never see it.</summary>
        public void Withdraw(int row, long[] amounts)
        {
            _rows.RemoveAt(_rows.Count - 1);
            for (var w = 0; w < _sums.Length; w++) _sums[w] -= amounts[row];
        }
    }

    /// <summary>A terminal's rows in arrival order; windows end at t - delay, so the current row is never inside.</summary>
    private sealed class TerminalState
    {
        public readonly List<int> Rows = [];

        /// <summary>Its frauds confirmed after the label delay had passed (analysts' late labels), in time order.</summary>
        public readonly List<int> LateFrauds = [];

        /// <summary>Late frauds the windows have reached so far; per window, those in it and not yet confirmed.</summary>
        private int _lateReached;
        private readonly int[] _unconfirmed = new int[TerminalWindowDays.Length];

        /// <summary>When each counted late fraud stops being one (confirmed, or out of that window): the window's index by time.</summary>
        private readonly PriorityQueue<int, long> _unconfirmedUntil = new();

        /// <summary>
        /// Takes out of <paramref name="stats"/> the window's frauds not yet confirmed at <paramref name="atTicks"/>. A late
        /// fraud at x, confirmed at k, is in window w for the scoring times [x + delay, x + delay + w) and known from k on:
        /// so it is taken out over [x + delay, min(k, x + delay + w)), kept as counts that a queue of end times brings down.
        /// Each late fraud costs a few queue operations in all, however many payments its terminal has (a review measured
        /// a scan per payment at 18 times the batch's time for a busy merchant).
        /// </summary>
        public void SubtractConfirmedLater(long atTicks, long delayTicks, long[] ticks, IReadOnlyList<TransactionRecord> records, ref WindowStats<int> stats)
        {
            if (LateFrauds.Count == 0) return;
            var upperTicks = atTicks - delayTicks;
            while (_lateReached < LateFrauds.Count && ticks[LateFrauds[_lateReached]] <= upperTicks)
            {
                var row = LateFrauds[_lateReached++];
                var known = records[row].FraudKnownUtc!.Value.Ticks;
                for (var w = 0; w < _unconfirmed.Length; w++)
                {
                    var until = Math.Min(known, ticks[row] + delayTicks + (TerminalWindowDays[w] * TimeSpan.TicksPerDay));
                    if (until <= atTicks) continue;
                    _unconfirmed[w]++;
                    _unconfirmedUntil.Enqueue(w, until);
                }
            }
            while (_unconfirmedUntil.TryPeek(out var window, out var until) && until <= atTicks)
            {
                _unconfirmedUntil.Dequeue();
                _unconfirmed[window]--;
            }
            for (var w = 0; w < _unconfirmed.Length; w++)
            {
                if (_unconfirmed[w] > 0) stats.Set(w, stats.Count(w), stats.Total(w) - _unconfirmed[w]);
            }
        }

        private int _upper;
        private int _upperFrauds;
        private readonly int[] _lower = new int[TerminalWindowDays.Length];
        private readonly int[] _lowerFrauds = new int[TerminalWindowDays.Length];

        public WindowStats<int> Query(long upperTicks, long[] ticks, bool[] frauds)
        {
            while (_upper < Rows.Count && ticks[Rows[_upper]] <= upperTicks)
            {
                if (frauds[Rows[_upper]]) _upperFrauds++;
                _upper++;
            }

            var stats = new WindowStats<int>();
            for (var w = 0; w < _lower.Length; w++)
            {
                var start = upperTicks - (TerminalWindowDays[w] * TimeSpan.TicksPerDay);
                while (_lower[w] < _upper && ticks[Rows[_lower[w]]] <= start)
                {
                    if (frauds[Rows[_lower[w]]]) _lowerFrauds[w]++;
                    _lower[w]++;
                }

                stats.Set(w, _upper - _lower[w], _upperFrauds - _lowerFrauds[w]);
            }

            return stats;
        }
    }
}
