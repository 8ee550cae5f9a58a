using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Transactions;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// The counts and totals the database's triggers keep, after the first start's seeding: on PostgreSQL the seeder copies the rows
/// with those triggers off and sums the totals once (HistorySeeder), so they must equal the rows themselves.
/// </summary>
/// <remarks>Its own database: only the seeded history is in it.</remarks>
public sealed class SeededTotalsTests(FraudWebFactory factory) : IClassFixture<FraudWebFactory>
{
    private static readonly Func<CardTransaction, bool> CountsAsSpend = PaymentStatusRule.CountsAsSpend.Compile();

    [Fact]
    public async Task SeedIfEmpty_FirstStart_CardCountsAndHourlyTotalsEqualTheSeededRows()
    {
        // Arrange: the factory's first start seeded the history
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();

        // Act
        var rows = await db.Transactions.AsNoTracking().ToListAsync();
        var counts = await db.Cards.AsNoTracking().Select(c => new { c.Id, Count = EF.Property<long>(c, "PaymentCount") }).ToDictionaryAsync(c => c.Id, c => c.Count);
        var cardHours = await db.CardSpendHours.AsNoTracking().Where(h => h.Count != 0).ToListAsync();
        var terminalHours = await db.TerminalHours.AsNoTracking().Where(h => h.Count != 0).ToListAsync();

        // Assert
        Assert.True(rows.Count > 1_000, $"seeded {rows.Count} payments");
        Assert.All(rows, r => Assert.Equal(TransactionSource.Simulated, r.Source));
        var expectedCounts = rows.GroupBy(r => r.CardId).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expectedCounts.OrderBy(p => p.Key), counts.Where(p => p.Value != 0).OrderBy(p => p.Key));
        var flagged = await db.Cards.AsNoTracking().Select(c => new { c.Id, Count = EF.Property<long>(c, "FlaggedCount") }).Where(c => c.Count != 0).ToDictionaryAsync(c => c.Id, c => c.Count);
        Assert.Equal(rows.Where(IsFlagged).GroupBy(r => r.CardId).ToDictionary(g => g.Key, g => (long)g.Count()).OrderBy(p => p.Key), flagged.OrderBy(p => p.Key));
        var expectedCard = rows.Where(CountsAsSpend).GroupBy(r => (r.CardId, HourOf(r.TimestampUtc)))
            .ToDictionary(g => g.Key, g => (Count: (long)g.Count(), Amount: g.Sum(r => r.Amount)));
        Assert.Equal(expectedCard.OrderBy(p => p.Key), cardHours.ToDictionary(h => (h.CardId, h.HourUtc), h => (h.Count, h.Amount)).OrderBy(p => p.Key));
        var expectedTerminal = rows.GroupBy(r => (r.TerminalId, HourOf(r.TimestampUtc)))
            .ToDictionary(g => g.Key, g => (Count: (long)g.Count(), Fraud: (long)g.Count(r => r.Label == FraudLabel.Fraud)));
        Assert.Equal(expectedTerminal.OrderBy(p => p.Key), terminalHours.ToDictionary(h => (h.TerminalId, h.HourUtc), h => (h.Count, h.FraudCount)).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task SeedIfEmpty_AfterSeeding_TriggersKeepCountingNewPayments()
    {
        // Arrange: a seeded card and merchant, and their totals now
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var seeded = await db.Transactions.AsNoTracking().OrderBy(t => t.Id).FirstAsync();
        var hour = HourOf(factory.Clock.UtcNow);
        long CountOf(Card card) => db.Entry(card).Property<long>("PaymentCount").CurrentValue;
        var card = await db.Cards.SingleAsync(c => c.Id == seeded.CardId);
        var before = CountOf(card);

        // Act: a payment written the way every other write is (EF Core, its own statement)
        db.Transactions.Add(CardTransaction.Submit(card, seeded.TerminalId, 12.34m, factory.Clock.UtcNow));
        await db.SaveChangesAsync();

        // Assert
        await db.Entry(card).ReloadAsync();
        Assert.Equal(before + 1, CountOf(card));
        Assert.Equal(1, await db.CardSpendHours.Where(h => h.CardId == seeded.CardId && h.HourUtc == hour).Select(h => h.Count).SingleAsync());
        Assert.True(await db.TerminalHours.AnyAsync(h => h.TerminalId == seeded.TerminalId && h.HourUtc == hour && h.Count >= 1));
    }

    /// <summary>In the fraud history as stopped or confirmed fraud (CardTransactionConfiguration.FlaggedIndexFilter).</summary>
    internal static bool IsFlagged(CardTransaction t) =>
        t.Verdict?.Decision is Decision.Declined or Decision.Review || t.Label == FraudLabel.Fraud;

    private static DateTime HourOf(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc);
}
