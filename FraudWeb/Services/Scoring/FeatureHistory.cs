using System.Collections.Concurrent;
using FraudWeb.Domain.Features;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// The recent history of cards and terminals in memory, for scoring new payments on SQLite without a query
/// (docs/decisions/0018). A card's series holds its spend (the payments that count as spend, with their amounts), a
/// terminal's every payment with its fraud label, each sorted by (time, id) with running totals, so a window's count
/// and total are two binary searches. A series is loaded from the database on first use (<see cref="PaymentFeatures"/>),
/// then kept current by the one payment writer, which adds each payment after its commit
/// (<see cref="Transactions.PaymentRecorder"/>); any other change of a payment (a label, a review's settlement, a deleted card) makes
/// the series be forgotten once it has committed (<see cref="Infrastructure.Database.MemoryInvalidationInterceptor"/>), and read again
/// when next needed.
/// <para>
/// SQLite only: there the app is the database's one instance, so every change passes through it. On PostgreSQL other
/// instances write too, and the features are read from the database as before.
/// </para>
/// </summary>
public sealed class FeatureHistory
{
    /// <summary>Series kept at most per kind; past that the kind is forgotten and read again as needed (memory bound).</summary>
    public const int MaxSeries = 100_000;

    /// <summary>
    /// A series is read back this much further than the longest window needs, and trimmed once its oldest payment is
    /// twice this much older, so a payment's windows stay covered for about a day of scoring without another read.
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<long, Series> _cards = new();
    private readonly ConcurrentDictionary<long, Series> _terminals = new();

    /// <summary>The card's series if it is kept; null otherwise (read it, then <see cref="Keep"/>).</summary>
    public Series? Card(long cardId) => _cards.GetValueOrDefault(cardId);

    /// <summary>The terminal's series if it is kept.</summary>
    public Series? Terminal(long terminalId) => _terminals.GetValueOrDefault(terminalId);

    /// <summary>
    /// An empty series for the card (or terminal), kept at once so that payments committed while it is being read are
    /// added to it (<see cref="Series.Fill"/> merges them with what the read found). Returns the series already kept, if any.
    /// </summary>
    public Series Keep(SeriesKind kind, long key)
    {
        var map = Map(kind);
        if (map.TryGetValue(key, out var kept)) return kept;
        if (map.Count >= MaxSeries) map.Clear();
        return map.GetOrAdd(key, _ => new Series());
    }

    /// <summary>After a payment's commit: adds it to its card's series (if it counts as spend) and its terminal's, where kept.</summary>
    public void Recorded(long id, long cardId, long terminalId, DateTime timestampUtc, decimal amount, bool countsAsSpend, bool isFraud)
    {
        if (countsAsSpend && _cards.TryGetValue(cardId, out var card)) card.Add(timestampUtc.Ticks, id, amount);
        if (_terminals.TryGetValue(terminalId, out var terminal)) terminal.Add(timestampUtc.Ticks, id, isFraud ? 1 : 0);
    }

    /// <summary>After a committed change of payments on these cards and terminals: their series are read again when next needed.</summary>
    public void Forget(IEnumerable<long> cardIds, IEnumerable<long> terminalIds)
    {
        ArgumentNullException.ThrowIfNull(cardIds);
        ArgumentNullException.ThrowIfNull(terminalIds);
        foreach (var id in cardIds) _cards.TryRemove(id, out _);
        foreach (var id in terminalIds) _terminals.TryRemove(id, out _);
    }

    /// <summary>After a change whose payments are not known one by one (a deleted card or user, seeded history): everything.</summary>
    public void ForgetAll()
    {
        _cards.Clear();
        _terminals.Clear();
    }

    private ConcurrentDictionary<long, Series> Map(SeriesKind kind) => kind == SeriesKind.Card ? _cards : _terminals;

    /// <summary>
    /// One card's or terminal's payments after <see cref="CoveredAfter"/>, sorted by (time, id), with running totals
    /// of their values (a card's amounts; a terminal's fraud labels, 1 or 0). Safe for concurrent use.
    /// </summary>
    public sealed class Series
    {
        private readonly Lock _gate = new();
        private readonly List<long> _ticks = [];
        private readonly List<long> _ids = [];
        // _sums[i] is the total of the first i values: a window's total is a difference of two.
        private readonly List<decimal> _sums = [0m];
        private List<(long Ticks, long Id, decimal Value)>? _early = [];
        private long _coveredAfter = long.MaxValue;

        /// <summary>Whether the read from the database has been filled in; until then the series answers nothing.</summary>
        public bool Filled
        {
            get
            {
                lock (_gate) return _early is null;
            }
        }

        /// <summary>Every payment after this time (ticks) is in the series; none at or before it is needed.</summary>
        public long CoveredAfter
        {
            get
            {
                lock (_gate) return _coveredAfter;
            }
        }

        /// <summary>
        /// Fills the series with what the database held after <paramref name="after"/>, sorted by (time, id), merged
        /// with the payments added since the series was kept. Only the first fill counts.
        /// </summary>
        public void Fill(DateTime after, IEnumerable<(DateTime TimestampUtc, long Id, decimal Value)> rows)
        {
            ArgumentNullException.ThrowIfNull(rows);
            lock (_gate)
            {
                if (_early is not { } early) return;
                _early = null;
                _coveredAfter = after.Ticks;
                foreach (var (time, id, value) in rows) Insert(time.Ticks, id, value);
                foreach (var (ticks, id, value) in early)
                {
                    if (ticks > _coveredAfter) Insert(ticks, id, value);
                }
            }
        }

        /// <summary>A payment committed after the series was kept; one already in it is not added twice.</summary>
        public void Add(long ticks, long id, decimal value)
        {
            lock (_gate)
            {
                if (_early is { } early)
                {
                    early.Add((ticks, id, value));
                    return;
                }
                if (ticks <= _coveredAfter) return;
                Insert(ticks, id, value);
                Trim(ticks);
            }
        }

        /// <summary>
        /// Counts and totals of the payments in (end - w, end] for the three windows, or null when the series is not
        /// filled or does not reach back far enough (then the caller reads the database).
        /// </summary>
        public WindowTotals? Windows(DateTime end, Func<int, TimeSpan> window)
        {
            ArgumentNullException.ThrowIfNull(window);
            lock (_gate)
            {
                if (_early is not null) return null;
                var last = End(end.Ticks);
                Span<long> counts = stackalloc long[3];
                Span<decimal> totals = [0m, 0m, 0m];
                for (var w = 0; w < 3; w++)
                {
                    var start = end.Ticks - window(w).Ticks;
                    if (start < _coveredAfter) return null;
                    var first = End(start);
                    counts[w] = last - first;
                    totals[w] = _sums[last] - _sums[first];
                }
                return new WindowTotals(counts[0], counts[1], counts[2], totals[0], totals[1], totals[2]);
            }
        }

        /// <summary>How many payments are at or before <paramref name="ticks"/> (the index after the last of them).</summary>
        private int End(long ticks)
        {
            int low = 0, high = _ticks.Count;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (_ticks[middle] <= ticks) low = middle + 1;
                else high = middle;
            }
            return low;
        }

        private void Insert(long ticks, long id, decimal value)
        {
            // Usually the newest: found from the end.
            var at = _ticks.Count;
            while (at > 0 && (_ticks[at - 1] > ticks || (_ticks[at - 1] == ticks && _ids[at - 1] >= id)))
            {
                if (_ticks[at - 1] == ticks && _ids[at - 1] == id) return;
                at--;
            }
            _ticks.Insert(at, ticks);
            _ids.Insert(at, id);
            _sums.Insert(at + 1, _sums[at] + value);
            for (var i = at + 2; i < _sums.Count; i++) _sums[i] += value;
        }

        /// <summary>Drops what no window can need any more once the oldest payment is two margins older than needed.</summary>
        private void Trim(long newest)
        {
            var keepAfter = newest - Lookback.Ticks - Margin.Ticks;
            if (_ticks.Count == 0 || _ticks[0] > keepAfter - Margin.Ticks) return;
            var drop = End(keepAfter);
            _ticks.RemoveRange(0, drop);
            _ids.RemoveRange(0, drop);
            // Running totals stay right as differences; the dropped prefix is simply gone.
            _sums.RemoveRange(0, drop);
            _coveredAfter = Math.Max(_coveredAfter, keepAfter);
        }

        /// <summary>The longest any window reaches back from now: the terminal's, after the label delay (at most 60 days).</summary>
        private static readonly TimeSpan Lookback = TimeSpan.FromDays(90);
    }
}

public enum SeriesKind
{
    Card,
    Terminal,
}
