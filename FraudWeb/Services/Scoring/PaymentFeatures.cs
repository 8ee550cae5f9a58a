using System.Data.Common;
using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Infrastructure.Options;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// A payment's features from the stored history of its card and terminal: the one path used to score a new payment
/// and to show an analyst a stored one (recomputed with today's labels rather than stored, so no column to migrate
/// when the feature set changes).
/// <para>
/// A window (from, to] is summed from the hourly totals the database keeps (<see cref="CardSpendHour"/>,
/// <see cref="TerminalHour"/>) for the whole hours after from's hour up to to's hour, corrected with the rows of the two
/// partial hours: those after from in from's hour are added, those after to in to's hour taken off. So a payment reads
/// at most 721 hourly rows and a few hours' edge rows however long the card's or terminal's history is (summing the
/// card's rows grew with it: 11 ms for a card with 4,300 payments this month, payments' p99 rising through a soak).
/// </para>
/// </summary>
public sealed class PaymentFeatures(FraudDbContext db, SqlitePreparedReads reads, FeatureHistory history, IOptions<ScoringOptions> options)
{
    private const int Windows = 3;

    /// <summary>Fills <paramref name="features"/> (length <see cref="TransactionFeatures.Names"/>) for the payment.</summary>
    public async Task ComputeAsync(TransactionRecord payment, float[] features, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(features);
        var delay = TimeSpan.FromDays(options.Value.LabelDelayDays);
        var spend = _spendRead;
        _spendRead = null;
        WindowTotals card, terminal;
        if (payment.TransactionId == long.MaxValue && spend is { } read && read.CardId == payment.CustomerId && read.At == payment.Timestamp)
        {
            // CardSpendAsync read this payment's card windows, and on PostgreSQL its terminal's in the same round trip.
            card = read.Card;
            terminal = read.TerminalId == payment.TerminalId && read.Terminal is { } known ? known : await TerminalTotalsAsync(payment, delay, cancellationToken);
        }
        else if (!db.OnSqlite())
        {
            // Nothing in memory to answer from: the card's and the terminal's reads in one round trip.
            (card, terminal) = await ReadBothTotalsAsync(payment, delay, cancellationToken);
        }
        else
        {
            card = payment.TransactionId == long.MaxValue
                ? await NewCardTotalsAsync(payment.CustomerId, payment.Timestamp, cancellationToken)
                : await ReadCardTotalsAsync(payment.CustomerId, payment.Timestamp, payment.TransactionId, cancellationToken);
            terminal = await TerminalTotalsAsync(payment, delay, cancellationToken);
        }
        TransactionFeatures.ComputeFromTotals(payment, card, terminal, options.Value.Features(), features);
    }

    /// <summary>
    /// The card's spend before a new payment at <paramref name="atUtc"/> at <paramref name="terminalId"/> in each
    /// customer window. The payment form's confirmation reads its 30-day usual payment here; the answer is kept until
    /// this payment's features are computed next (this service is scoped to the request), which then read it for free.
    /// On PostgreSQL the terminal's windows come in the same round trip and are kept too.
    /// </summary>
    public async Task<WindowTotals> CardSpendAsync(long cardId, long terminalId, DateTime atUtc, CancellationToken cancellationToken)
    {
        // Read already, with the caller's card (NewPaymentWindowsSql).
        if (_spendRead is { Terminal: not null } read && read.CardId == cardId && read.TerminalId == terminalId && read.At == atUtc) return read.Card;
        if (db.OnSqlite())
        {
            var totals = await NewCardTotalsAsync(cardId, atUtc, cancellationToken);
            _spendRead = new SpendRead(cardId, terminalId, atUtc, totals, null);
            return totals;
        }
        var payment = new TransactionRecord(long.MaxValue, atUtc, cardId, terminalId, 0, false);
        var (card, terminal) = await ReadBothTotalsAsync(payment, TimeSpan.FromDays(options.Value.LabelDelayDays), cancellationToken);
        _spendRead = new SpendRead(cardId, terminalId, atUtc, card, terminal);
        return card;
    }

    private sealed record SpendRead(long CardId, long TerminalId, DateTime At, WindowTotals Card, WindowTotals? Terminal);

    private SpendRead? _spendRead;

    /// <summary>A new payment's card windows (it is later than every stored payment): from memory on SQLite, else read.</summary>
    private async Task<WindowTotals> NewCardTotalsAsync(long cardId, DateTime at, CancellationToken cancellationToken) =>
        await RememberedAsync(SeriesKind.Card, cardId, at, TransactionFeatures.CustomerWindow, cancellationToken)
        ?? await ReadCardTotalsAsync(cardId, at, long.MaxValue, cancellationToken);

    /// <summary>
    /// The windows ending at <paramref name="end"/> from <see cref="FeatureHistory"/>, reading the series first if it is
    /// not kept yet; null where memory cannot answer (PostgreSQL, or a time before what the series covers).
    /// </summary>
    private async Task<WindowTotals?> RememberedAsync(SeriesKind kind, long key, DateTime end, Func<int, TimeSpan> window, CancellationToken cancellationToken)
    {
        if (!db.OnSqlite()) return null;
        var series = kind == SeriesKind.Card ? history.Card(key) : history.Terminal(key);
        if (series is null || !series.Filled)
        {
            series ??= history.Keep(kind, key);
            // Kept before the read, so payments committed meanwhile are added to it; the read goes a margin further
            // back than the longest window, so the series keeps answering as time moves on.
            var after = end - window(2) - FeatureHistory.Margin;
            series.Fill(after, await SeriesRowsAsync(kind, key, after, cancellationToken));
        }
        return series.Windows(end, window);
    }

    private Task<List<(DateTime, long, decimal)>> SeriesRowsAsync(SeriesKind kind, long key, DateTime after, CancellationToken cancellationToken) =>
        reads.ReadAsync(db, kind == SeriesKind.Card ? CardSeriesSql : TerminalSeriesSql, command =>
        {
            SqlitePreparedReads.Bind(command, "@key", key);
            SqlitePreparedReads.Bind(command, "@after", after);
        }, async (reader, token) =>
        {
            var rows = new List<(DateTime, long, decimal)>();
            while (await reader.ReadAsync(token))
            {
                var value = kind == SeriesKind.Card ? MoneyOf(reader.GetValue(2)) : Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
                rows.Add((DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), reader.GetInt64(1), value));
            }
            return rows;
        }, cancellationToken);

    /// <summary>The card's hourly totals and edge rows, in one round trip (two statements).</summary>
    private Task<WindowTotals> ReadCardTotalsAsync(long cardId, DateTime at, long id, CancellationToken cancellationToken) =>
        reads.ReadAsync(db, CardReadSql, command => BindCard(command, "@", cardId, at, id),
            async (reader, token) => CardTotalsOf(await ReadHoursAndEdgesAsync(reader, money: true, token), at, id), cancellationToken);

    /// <summary>The card's and the terminal's hourly totals and edge rows, in one round trip (four statements).</summary>
    private Task<(WindowTotals Card, WindowTotals Terminal)> ReadBothTotalsAsync(TransactionRecord payment, TimeSpan delay, CancellationToken cancellationToken)
    {
        var id = payment.TransactionId;
        var upper = payment.Timestamp - delay;
        return reads.ReadAsync(db, BothReadSql, command =>
        {
            BindCard(command, "@c_", payment.CustomerId, payment.Timestamp, id);
            BindTerminal(command, "@t_", payment.TerminalId, upper, id);
        }, (reader, token) => ReadBothAsync(reader, payment.Timestamp, upper, id, token), cancellationToken);
    }

    private async Task<(WindowTotals Card, WindowTotals Terminal)> ReadBothAsync(DbDataReader reader, DateTime at, DateTime upper, long id, CancellationToken token)
    {
        var card = CardTotalsOf(await ReadHoursAndEdgesAsync(reader, money: true, token), at, id);
        await NextResultAsync(reader, token);
        var terminal = TerminalTotalsOf(await ReadHoursAndEdgesAsync(reader, money: false, token), upper, id);
        return (card, terminal);
    }

    /// <summary>
    /// The statements that read a new payment's card and terminal windows, for a caller to send after its own in one
    /// command (PostgreSQL: TransactionService's card read, so a payment's reads are one round trip). Bind with
    /// <see cref="BindNewPaymentWindows"/>; read with <see cref="ReadNewPaymentWindowsAsync"/>, which keeps them for
    /// <see cref="CardSpendAsync"/> and <see cref="ComputeAsync"/>.
    /// </summary>
    public static string NewPaymentWindowsSql => BothReadSql;

    public void BindNewPaymentWindows(DbCommand command, long cardId, long terminalId, DateTime atUtc)
    {
        BindCard(command, "@c_", cardId, atUtc, long.MaxValue);
        BindTerminal(command, "@t_", terminalId, atUtc - TimeSpan.FromDays(options.Value.LabelDelayDays), long.MaxValue);
    }

    /// <summary>Reads the windows' results, <paramref name="reader"/> on the first of them.</summary>
    public async Task ReadNewPaymentWindowsAsync(DbDataReader reader, long cardId, long terminalId, DateTime atUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var upper = atUtc - TimeSpan.FromDays(options.Value.LabelDelayDays);
        var (card, terminal) = await ReadBothAsync(reader, atUtc, upper, long.MaxValue, cancellationToken);
        _spendRead = new SpendRead(cardId, terminalId, atUtc, card, terminal);
    }

    private static void BindCard(DbCommand command, string prefix, long cardId, DateTime at, long id)
    {
        var from = WindowStarts(at, TransactionFeatures.CustomerWindow);
        BindHours(command, prefix, cardId, from, HourOf(at));
        BindEdges(command, prefix, id, from, at, null);
    }

    private static void BindTerminal(DbCommand command, string prefix, long terminalId, DateTime upper, long id)
    {
        var from = WindowStarts(upper, TransactionFeatures.TerminalWindow);
        BindHours(command, prefix, terminalId, from, HourOf(upper));
        BindEdges(command, prefix, id, from, upper, HourOf(upper));
    }

    private static WindowTotals CardTotalsOf((WindowTotals Hours, List<EdgeRow> Edges) read, DateTime at, long id)
    {
        var from = WindowStarts(at, TransactionFeatures.CustomerWindow);
        var sums = new Sums(read.Hours);
        foreach (var row in read.Edges)
        {
            // In at's hour from at on: after this payment unless same time and an earlier id.
            if (row.TimestampUtc >= at)
            {
                if (row.TimestampUtc > at || row.Id >= id) sums.TakeOffAll(1, row.Amount);
            }
            else sums.AddToWindowStartingIn(from, row.TimestampUtc, 1, row.Amount);
        }
        return sums.Totals;
    }

    /// <summary>The terminal's payments and known frauds in each window (upper - w, upper], upper being at - the label delay.</summary>
    private async Task<WindowTotals> TerminalTotalsAsync(TransactionRecord payment, TimeSpan delay, CancellationToken cancellationToken)
    {
        var id = payment.TransactionId;
        var upper = payment.Timestamp - delay;
        if (id == long.MaxValue && await RememberedAsync(SeriesKind.Terminal, payment.TerminalId, upper, TransactionFeatures.TerminalWindow, cancellationToken) is { } remembered)
            return remembered;
        return await reads.ReadAsync(db, TerminalReadSql, command => BindTerminal(command, "@", payment.TerminalId, upper, id),
            async (reader, token) => TerminalTotalsOf(await ReadHoursAndEdgesAsync(reader, money: false, token), upper, id), cancellationToken);
    }

    private static WindowTotals TerminalTotalsOf((WindowTotals Hours, List<EdgeRow> Edges) read, DateTime upper, long id)
    {
        var from = WindowStarts(upper, TransactionFeatures.TerminalWindow);
        var sums = new Sums(read.Hours);
        foreach (var row in read.Edges)
        {
            var fraud = row.IsFraud ? 1m : 0m;
            // Upper's hour: what is after upper, and the payment itself, are not in the windows.
            if (row.TimestampUtc > upper || row.Id == id) sums.TakeOffAll(1, fraud);
            else sums.AddToWindowStartingIn(from, row.TimestampUtc, 1, fraud);
        }
        return sums.Totals;
    }

    private static DateTime[] WindowStarts(DateTime end, Func<int, TimeSpan> window) => [end - window(0), end - window(1), end - window(2)];

    private static DateTime HourOf(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerHour), time.Kind);

    private static DateTime EndOfHour(DateTime time) => HourOf(time).AddHours(1);

    /// <summary>Window sums being corrected: the hourly totals, plus the lower edges' rows, minus the upper edge's.</summary>
    private sealed class Sums(WindowTotals hours)
    {
        private readonly long[] _counts = [hours.Count1, hours.Count7, hours.Count30];
        private readonly decimal[] _totals = [hours.Total1, hours.Total7, hours.Total30];

        public WindowTotals Totals => new(_counts[0], _counts[1], _counts[2], _totals[0], _totals[1], _totals[2]);

        public void TakeOffAll(long count, decimal total)
        {
            for (var w = 0; w < Windows; w++) (_counts[w], _totals[w]) = (_counts[w] - count, _totals[w] - total);
        }

        /// <summary>A row of a window's first, partial hour (after its start) belongs to that window only: the longer ones have its whole hour.</summary>
        public void AddToWindowStartingIn(DateTime[] from, DateTime time, long count, decimal total)
        {
            for (var w = 0; w < Windows; w++)
            {
                if (time <= from[w] || time >= EndOfHour(from[w])) continue;
                (_counts[w], _totals[w]) = (_counts[w] + count, _totals[w] + total);
                return;
            }
        }
    }

    private sealed record EdgeRow(DateTime TimestampUtc, long Id, decimal Amount, bool IsFraud);

    // Hand-written SQL on prepared statements (SqlitePreparedReads.ReadAsync): run through EF Core, even compiled, each
    // of these reads cost a payment more in EF Core than in SQLite (perf). The spend rule is the hourly-totals
    // triggers' (migration HourlyFeatureTotals), PaymentStatusRule.CountsAsSpend in SQL; PaymentFeaturesTests hold the
    // results equal to the batch features on both providers.
    private const string CountsAsSpend = "(\"Decision\" IS NULL OR (\"Decision\" <> 'Declined' AND (\"Settlement\" IS NULL OR \"Settlement\" <> 'Declined')))";

    private const string CardHoursSql = """
        SELECT COALESCE(SUM(CASE WHEN "HourUtc" > @hour1 THEN "Count" END), 0), COALESCE(SUM(CASE WHEN "HourUtc" > @hour7 THEN "Count" END), 0),
               COALESCE(SUM("Count"), 0), COALESCE(SUM(CASE WHEN "HourUtc" > @hour1 THEN "Amount" END), 0),
               COALESCE(SUM(CASE WHEN "HourUtc" > @hour7 THEN "Amount" END), 0), COALESCE(SUM("Amount"), 0)
        FROM "CardSpendHours" WHERE "CardId" = @key AND "HourUtc" > @hour30 AND "HourUtc" <= @lastHour
        """;

    private const string TerminalHoursSql = """
        SELECT COALESCE(SUM(CASE WHEN "HourUtc" > @hour1 THEN "Count" END), 0), COALESCE(SUM(CASE WHEN "HourUtc" > @hour7 THEN "Count" END), 0),
               COALESCE(SUM("Count"), 0), COALESCE(SUM(CASE WHEN "HourUtc" > @hour1 THEN "FraudCount" END), 0),
               COALESCE(SUM(CASE WHEN "HourUtc" > @hour7 THEN "FraudCount" END), 0), COALESCE(SUM("FraudCount"), 0)
        FROM "TerminalHours" WHERE "TerminalId" = @key AND "HourUtc" > @hour30 AND "HourUtc" <= @lastHour
        """;

    /// <summary>
    /// The card's spend rows of the partial hours, in one statement of four index ranges: each window's first hour after
    /// its start, and at's hour from at on.
    /// </summary>
    private const string CardEdgesSql = $"""
        SELECT "TimestampUtc", "Id", "Amount", 0 FROM "Transactions" WHERE "CardId" = @key AND "Id" <> @id AND "TimestampUtc" > @from1 AND "TimestampUtc" < @end1 AND {CountsAsSpend}
        UNION ALL SELECT "TimestampUtc", "Id", "Amount", 0 FROM "Transactions" WHERE "CardId" = @key AND "Id" <> @id AND "TimestampUtc" > @from7 AND "TimestampUtc" < @end7 AND {CountsAsSpend}
        UNION ALL SELECT "TimestampUtc", "Id", "Amount", 0 FROM "Transactions" WHERE "CardId" = @key AND "Id" <> @id AND "TimestampUtc" > @from30 AND "TimestampUtc" < @end30 AND {CountsAsSpend}
        UNION ALL SELECT "TimestampUtc", "Id", "Amount", 0 FROM "Transactions" WHERE "CardId" = @key AND "TimestampUtc" >= @upper AND "TimestampUtc" < @endUpper AND {CountsAsSpend}
        """;

    /// <summary>The terminal's rows of the partial hours: each window's first hour after its start; upper's hour after upper, and the payment itself.</summary>
    private const string TerminalEdgesSql = """
        SELECT "TimestampUtc", "Id", 0, CASE WHEN "Label" = 'Fraud' THEN 1 ELSE 0 END FROM "Transactions" WHERE "TerminalId" = @key AND "Id" <> @id AND "TimestampUtc" > @from1 AND "TimestampUtc" < @end1
        UNION ALL SELECT "TimestampUtc", "Id", 0, CASE WHEN "Label" = 'Fraud' THEN 1 ELSE 0 END FROM "Transactions" WHERE "TerminalId" = @key AND "Id" <> @id AND "TimestampUtc" > @from7 AND "TimestampUtc" < @end7
        UNION ALL SELECT "TimestampUtc", "Id", 0, CASE WHEN "Label" = 'Fraud' THEN 1 ELSE 0 END FROM "Transactions" WHERE "TerminalId" = @key AND "Id" <> @id AND "TimestampUtc" > @from30 AND "TimestampUtc" < @end30
        UNION ALL SELECT "TimestampUtc", "Id", 0, CASE WHEN "Label" = 'Fraud' THEN 1 ELSE 0 END FROM "Transactions" WHERE "TerminalId" = @key AND "TimestampUtc" > @upper AND "TimestampUtc" < @endUpper
        UNION ALL SELECT "TimestampUtc", "Id", 0, CASE WHEN "Label" = 'Fraud' THEN 1 ELSE 0 END FROM "Transactions" WHERE "Id" = @id AND "TerminalId" = @key AND "TimestampUtc" >= @upperHour AND "TimestampUtc" <= @upper
        """;

    // Each entity's hours and edges as one command of two statements, and both entities' as one of four (their
    // parameters prefixed): one round trip where there were four (PostgreSQL, issue 17). Both providers run a command's
    // statements in order and return their results one after the other.
    private const string CardReadSql = CardHoursSql + ";\n" + CardEdgesSql;

    private const string TerminalReadSql = TerminalHoursSql + ";\n" + TerminalEdgesSql;

    private static readonly string BothReadSql = CardReadSql.Replace("@", "@c_", StringComparison.Ordinal) + ";\n"
        + TerminalReadSql.Replace("@", "@t_", StringComparison.Ordinal);

    /// <summary>A card's spend after a time, for its <see cref="FeatureHistory"/> series.</summary>
    private const string CardSeriesSql = $"""
        SELECT "TimestampUtc", "Id", "Amount" FROM "Transactions" WHERE "CardId" = @key AND "TimestampUtc" > @after AND {CountsAsSpend} ORDER BY "TimestampUtc", "Id"
        """;

    /// <summary>A terminal's payments after a time with their fraud labels, for its series.</summary>
    private const string TerminalSeriesSql = """
        SELECT "TimestampUtc", "Id", CASE WHEN "Label" = 'Fraud' THEN 1 ELSE 0 END FROM "Transactions" WHERE "TerminalId" = @key AND "TimestampUtc" > @after ORDER BY "TimestampUtc", "Id"
        """;

    /// <summary>Money is stored as the model stores it (whole cents): read back through the model's converter.</summary>
    private ValueConverter Money => _money ??= db.Model.FindEntityType(typeof(CardTransaction))!.FindProperty(nameof(CardTransaction.Amount))!.GetValueConverter()!;

    private ValueConverter? _money;

    private decimal MoneyOf(object stored) => (decimal)Money.ConvertFromProvider(Convert.ToInt64(stored, CultureInfo.InvariantCulture))!;

    private static void BindHours(DbCommand command, string prefix, long key, DateTime[] from, DateTime lastHour)
    {
        SqlitePreparedReads.Bind(command, prefix + "key", key);
        SqlitePreparedReads.Bind(command, prefix + "hour1", HourOf(from[0]));
        SqlitePreparedReads.Bind(command, prefix + "hour7", HourOf(from[1]));
        SqlitePreparedReads.Bind(command, prefix + "hour30", HourOf(from[2]));
        SqlitePreparedReads.Bind(command, prefix + "lastHour", lastHour);
    }

    /// <summary>The edges' parameters but the key, which the hours' statement binds for both.</summary>
    private static void BindEdges(DbCommand command, string prefix, long id, DateTime[] from, DateTime upper, DateTime? upperHour)
    {
        SqlitePreparedReads.Bind(command, prefix + "id", id);
        SqlitePreparedReads.Bind(command, prefix + "from1", from[0]);
        SqlitePreparedReads.Bind(command, prefix + "end1", EndOfHour(from[0]));
        SqlitePreparedReads.Bind(command, prefix + "from7", from[1]);
        SqlitePreparedReads.Bind(command, prefix + "end7", EndOfHour(from[1]));
        SqlitePreparedReads.Bind(command, prefix + "from30", from[2]);
        SqlitePreparedReads.Bind(command, prefix + "end30", EndOfHour(from[2]));
        SqlitePreparedReads.Bind(command, prefix + "upper", upper);
        SqlitePreparedReads.Bind(command, prefix + "endUpper", EndOfHour(upper));
        if (upperHour is { } hour) SqlitePreparedReads.Bind(command, prefix + "upperHour", hour);
    }

    /// <summary>The hours' statement's one row, then the edges' rows of the next result.</summary>
    private async Task<(WindowTotals Hours, List<EdgeRow> Edges)> ReadHoursAndEdgesAsync(DbDataReader reader, bool money, CancellationToken token)
    {
        await reader.ReadAsync(token);
        long Count(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
        decimal Total(int i) => money ? MoneyOf(reader.GetValue(i)) : Count(i);
        var hours = new WindowTotals(Count(0), Count(1), Count(2), Total(3), Total(4), Total(5));
        await NextResultAsync(reader, token);
        var rows = new List<EdgeRow>();
        while (await reader.ReadAsync(token))
        {
            rows.Add(new EdgeRow(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), reader.GetInt64(1), MoneyOf(reader.GetValue(2)),
                Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture) == 1));
        }
        return (hours, rows);
    }

    private static async Task NextResultAsync(DbDataReader reader, CancellationToken token)
    {
        if (!await reader.NextResultAsync(token)) throw new InvalidOperationException("A feature read returned fewer results than it has statements.");
    }
}
