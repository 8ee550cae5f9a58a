using FraudWeb.Domain.Cards;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Scoring;
using FraudWeb.Services.Transactions;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FraudWeb.Tests.Web.Transactions;

/// <summary>
/// The hourly totals the database's triggers keep, through inserts, labels, settlements, refunds, moved and deleted
/// rows: equal to the rows grouped by hour, and the features read from them equal to the features summed row by row;
/// so are a new payment's features kept in memory (<see cref="FeatureHistory"/>) through writes, labels and bulk changes.
/// </summary>
/// <remarks>Its own database: the random history's labels and held payments would show in other tests' queues and counts.</remarks>
public sealed class HourlyTotalsTests(FraudWebFactory factory) : IClassFixture<FraudWebFactory>
{
    private const int Seed = 20261201;
    private static readonly Func<CardTransaction, bool> CountsAsSpend = PaymentStatusRule.CountsAsSpend.Compile();

    [Fact]
    public async Task HourlyTotals_AfterInsertsLabelsMovesAndDeletes_EqualTheRowsByHour()
    {
        // Arrange and act: a random history on a new card and a new terminal, then changed every way the app changes it
        var (cardId, terminalId) = await RandomHistoryAsync(new Random(Seed));

        // Assert
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var rows = await RowsAsync(db, cardId, terminalId);
        var expectedCard = rows.Where(r => r.CardId == cardId && CountsAsSpend(r)).GroupBy(r => HourOf(r.TimestampUtc))
            .ToDictionary(g => g.Key, g => (Count: (long)g.Count(), Amount: g.Sum(r => r.Amount)));
        var actualCard = (await db.CardSpendHours.AsNoTracking().Where(h => h.CardId == cardId && h.Count != 0).ToListAsync())
            .ToDictionary(h => h.HourUtc, h => (h.Count, h.Amount));
        Assert.Equal(expectedCard.OrderBy(p => p.Key), actualCard.OrderBy(p => p.Key));
        var expectedTerminal = rows.Where(r => r.TerminalId == terminalId).GroupBy(r => HourOf(r.TimestampUtc))
            .ToDictionary(g => g.Key, g => (Count: (long)g.Count(), Fraud: (long)g.Count(r => r.Label == FraudLabel.Fraud)));
        var actualTerminal = (await db.TerminalHours.AsNoTracking().Where(h => h.TerminalId == terminalId && h.Count != 0).ToListAsync())
            .ToDictionary(h => h.HourUtc, h => (h.Count, h.FraudCount));
        Assert.Equal(expectedTerminal.OrderBy(p => p.Key), actualTerminal.OrderBy(p => p.Key));
        Assert.All(await db.CardSpendHours.AsNoTracking().Where(h => h.CardId == cardId).ToListAsync(), h => Assert.True(h.Count >= 0));
        // The card's flagged count, kept by triggers of its own through the same inserts, labels, settlements and deletes.
        var flagged = await db.Cards.Where(c => c.Id == cardId).Select(c => EF.Property<long>(c, "FlaggedCount")).SingleAsync();
        Assert.Equal(rows.Count(r => r.CardId == cardId && Data.SeededTotalsTests.IsFlagged(r)), flagged);
    }

    [Fact]
    public async Task ComputeAsync_AnyMomentOfARandomHistory_EqualsTheRowByRowWindows()
    {
        // Arrange
        var random = new Random(Seed + 1);
        var (cardId, terminalId) = await RandomHistoryAsync(random);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var delay = TimeSpan.FromDays(scope.ServiceProvider.GetRequiredService<IOptions<ScoringOptions>>().Value.LabelDelayDays);
        var rows = await RowsAsync(db, cardId, terminalId);
        var features = scope.ServiceProvider.GetRequiredService<PaymentFeatures>();
        var width = TransactionFeatures.Names.Count;
        // Moments at stored rows (as an analyst's recomputation), just before and after them, on whole hours and
        // exactly a window or a label delay after a row (the edges' boundaries), and new payments now.
        var moments = new List<(DateTime At, long Id)>();
        foreach (var row in rows.Where(r => r.CardId == cardId).OrderBy(_ => random.Next()).Take(40)) moments.Add((row.TimestampUtc, row.Id));
        foreach (var row in rows.OrderBy(_ => random.Next()).Take(40))
        {
            moments.Add((row.TimestampUtc.AddTicks(-10), long.MaxValue));
            moments.Add((row.TimestampUtc.AddTicks(10), long.MaxValue));
            moments.Add((HourOf(row.TimestampUtc), long.MaxValue));
            moments.Add((row.TimestampUtc + TransactionFeatures.CustomerWindow(random.Next(3)), long.MaxValue));
            moments.Add((row.TimestampUtc + delay + TransactionFeatures.TerminalWindow(random.Next(3)), long.MaxValue));
        }
        moments.Add((factory.Clock.UtcNow, long.MaxValue));

        foreach (var (at, id) in moments)
        {
            // Act
            var payment = new TransactionRecord(id, at, cardId, terminalId, 25.5, false);
            var online = new float[width];
            await features.ComputeAsync(payment, online, CancellationToken.None);

            // Assert: the windows' definitions (TransactionFeatures), summed here over the rows
            var expected = new float[width];
            TransactionFeatures.ComputeFromTotals(payment, CardWindows(rows, cardId, at, id), TerminalWindows(rows, terminalId, at - delay, id), new FeatureOptions(), expected);
            Assert.True(expected.SequenceEqual(online), $"at {at:O} id {id}: expected [{string.Join(", ", expected)}] online [{string.Join(", ", online)}]");
        }
    }

    [Fact]
    public async Task ComputeAsync_NewPaymentAfterWritesLabelsAndBulkChanges_FromMemoryEqualsTheRowByRowWindows()
    {
        // Arrange: a random history whose card and terminal series are then kept in memory (SQLite)
        var (cardId, terminalId) = await RandomHistoryAsync(new Random(Seed + 2));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var delay = TimeSpan.FromDays(scope.ServiceProvider.GetRequiredService<IOptions<ScoringOptions>>().Value.LabelDelayDays);
        var features = scope.ServiceProvider.GetRequiredService<PaymentFeatures>();
        var history = factory.Services.GetRequiredService<FeatureHistory>();
        var recorder = factory.Services.GetRequiredService<PaymentRecorder>();
        var sqlite = db.Database.IsSqlite();
        async Task AssertNewPaymentAsync(string step)
        {
            var rows = await RowsAsync(db, cardId, terminalId);
            var now = factory.Clock.UtcNow;
            var payment = new TransactionRecord(long.MaxValue, now, cardId, terminalId, 25.5, false);
            var online = new float[TransactionFeatures.Names.Count];
            await features.ComputeAsync(payment, online, CancellationToken.None);
            var expected = new float[online.Length];
            TransactionFeatures.ComputeFromTotals(payment, CardWindows(rows, cardId, now, long.MaxValue), TerminalWindows(rows, terminalId, now - delay, long.MaxValue), new FeatureOptions(), expected);
            Assert.True(expected.SequenceEqual(online), $"{step}: expected [{string.Join(", ", expected)}] online [{string.Join(", ", online)}]");
        }
        await AssertNewPaymentAsync("first read");
        var kept = history.Card(cardId);
        Assert.Equal(sqlite, kept is not null && history.Terminal(terminalId) is not null);

        // Act and assert: payments through the writer (approved and declined) join the kept series, not read again
        foreach (var (amount, decision) in new[] { (12.5m, Decision.Approved), (900m, Decision.Declined), (3m, Decision.Review), (44m, Decision.Approved) })
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
            await recorder.RecordAsync(new PaymentToRecord(cardId, terminalId, amount, factory.Clock.UtcNow, new Verdict(10, decision, "test", "[]", 1, null)), CancellationToken.None);
        }
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await AssertNewPaymentAsync("after four payments through the writer");
        Assert.Same(kept, history.Card(cardId));

        // An analyst's label on a payment inside the terminal's windows: its series is forgotten, read again, and counts it
        var now = factory.Clock.UtcNow;
        var labelled = await db.Transactions.Include(t => t.Card)
            .FirstAsync(t => t.TerminalId == terminalId && t.Label != FraudLabel.Fraud && t.TimestampUtc <= now - delay && t.TimestampUtc > now - delay - TimeSpan.FromDays(29));
        labelled.ApplyLabel(FraudLabel.Fraud, "analyst@example.test", IssuerTime.InUtc(now));
        await db.SaveChangesAsync();
        Assert.Null(history.Terminal(terminalId));
        await AssertNewPaymentAsync("after a label");

        // A bulk statement (no entity tracked): everything is forgotten
        var moved = await db.Transactions.Where(t => t.CardId == cardId && t.TimestampUtc > now - TimeSpan.FromDays(20)).Select(t => t.Id).FirstAsync();
        await db.Transactions.Where(t => t.Id == moved).ExecuteUpdateAsync(set => set.SetProperty(t => t.TimestampUtc, now - TimeSpan.FromHours(2)));
        Assert.Null(history.Card(cardId));
        await AssertNewPaymentAsync("after a bulk update");
    }

    private static WindowTotals CardWindows(List<CardTransaction> rows, long cardId, DateTime at, long id)
    {
        var earlier = rows.Where(r => r.CardId == cardId && r.Id != id && CountsAsSpend(r) && (r.TimestampUtc < at || (r.TimestampUtc == at && r.Id < id))).ToList();
        var windows = Enumerable.Range(0, 3).Select(w => earlier.Where(r => r.TimestampUtc > at - TransactionFeatures.CustomerWindow(w)).ToList()).ToList();
        return new WindowTotals(windows[0].Count, windows[1].Count, windows[2].Count,
            windows[0].Sum(r => r.Amount), windows[1].Sum(r => r.Amount), windows[2].Sum(r => r.Amount));
    }

    private static WindowTotals TerminalWindows(List<CardTransaction> rows, long terminalId, DateTime upper, long id)
    {
        var known = rows.Where(r => r.TerminalId == terminalId && r.Id != id && r.TimestampUtc <= upper).ToList();
        var windows = Enumerable.Range(0, 3).Select(w => known.Where(r => r.TimestampUtc > upper - TransactionFeatures.TerminalWindow(w)).ToList()).ToList();
        return new WindowTotals(windows[0].Count, windows[1].Count, windows[2].Count,
            windows[0].Count(r => r.Label == FraudLabel.Fraud), windows[1].Count(r => r.Label == FraudLabel.Fraud), windows[2].Count(r => r.Label == FraudLabel.Fraud));
    }

    private static Task<List<CardTransaction>> RowsAsync(FraudDbContext db, long cardId, long terminalId) =>
        db.Transactions.AsNoTracking().Where(t => t.CardId == cardId || t.TerminalId == terminalId).ToListAsync();

    private static DateTime HourOf(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc);

    /// <summary>
    /// 300 payments over 45 days on a new card at a new terminal (and 60 of other cards moved there), some on whole hours and some
    /// sharing a time; then labels (settling held ones, refunding charged frauds), moved times and deletions.
    /// </summary>
    private async Task<(long CardId, long TerminalId)> RandomHistoryAsync(Random random)
    {
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(20000m);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var terminal = Terminal.Create($"Hourly totals {Guid.NewGuid():N}", "Groceries", 10, 10);
        db.Terminals.Add(terminal);
        await db.SaveChangesAsync();
        var card = await db.Cards.SingleAsync(c => c.Id == cardId);
        // Whole microseconds: PostgreSQL keeps no finer.
        var now = factory.Clock.UtcNow;
        now = new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
        var decisions = new[] { Decision.Approved, Decision.Approved, Decision.Approved, Decision.Review, Decision.Declined };
        DateTime? previous = null;
        for (var i = 0; i < 300; i++)
        {
            var at = random.Next(10) switch
            {
                0 => HourOf(now.AddHours(-random.Next(1, 45 * 24))),
                1 when previous is not null => previous.Value,
                _ => now.AddTicks(-random.NextInt64(45 * TimeSpan.TicksPerDay) / 10 * 10),
            };
            previous = at;
            var payment = CardTransaction.Submit(card, terminal.Id, random.Next(1, 20000) / 100m, at);
            payment.RecordVerdict(new Verdict(random.Next(100), decisions[random.Next(decisions.Length)], "test", "[]", 1, null));
            db.Transactions.Add(payment);
        }
        await db.SaveChangesAsync();
        // Other cards' payments moved to the new terminal: its windows are every card's.
        var other = await db.Transactions.Where(t => t.CardId != cardId).OrderBy(t => t.Id).Take(60).Select(t => t.Id).ToListAsync();
        await db.Transactions.Where(t => other.Contains(t.Id)).ExecuteUpdateAsync(s => s.SetProperty(t => t.TerminalId, terminal.Id));

        // Labels, as analysts give them: held payments settle (charged or declined), charged frauds are refunded.
        var mine = await db.Transactions.Include(t => t.Card).Where(t => t.CardId == cardId).ToListAsync();
        foreach (var payment in mine.Where(_ => random.Next(3) == 0))
            payment.ApplyLabel(random.Next(3) == 0 ? FraudLabel.Fraud : FraudLabel.Legitimate, "analyst@example.test", IssuerTime.InUtc(now));
        await db.SaveChangesAsync();
        // Moved in time (another hour or day), and deleted (the card closed, a row purged).
        foreach (var payment in mine.Where(_ => random.Next(15) == 0))
        {
            var (id, to) = (payment.Id, payment.TimestampUtc.AddMinutes(random.Next(-3000, 3000)));
            await db.Transactions.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.TimestampUtc, to));
        }
        var deleted = mine.Where(_ => random.Next(15) == 0).Select(t => t.Id).ToList();
        await db.Transactions.Where(t => deleted.Contains(t.Id)).ExecuteDeleteAsync();
        return (cardId, terminal.Id);
    }
}
