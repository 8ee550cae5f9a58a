using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.ViewModelBuilders;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>
/// The review item's "holder's other payments" read each card's newest few through the card/time index
/// (ReviewQueueViewModelBuilder.HolderHistoryIds): the same ten, in the same order, as sorting every card's whole history.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ReviewHolderHistoryTests(FraudWebFactory factory)
{
    [Theory]
    [InlineData(new[] { 40, 0, 3, 12, 1 })]
    [InlineData(new[] { 2, 3, 4 })]
    [InlineData(new[] { 9 })]
    [InlineData(new[] { 12 })]
    public async Task HolderHistoryIds_CardsOfUnevenHistories_TheTenNewestAsSortingEveryPayment(int[] counts)
    {
        // Arrange: random times with ties (whole hours), the held payment among them left out
        var (holderId, ids) = await HolderAsync(counts);
        var held = ids[ids.Count / 2];

        // Act
        var read = await factory.QueryAsync(db => ReviewQueueViewModelBuilder.HolderHistoryIds(db, holderId, held).ToListAsync());

        // Assert: what the whole history sorted gives
        var sorted = await factory.QueryAsync(db => db.Transactions
            .Where(t => t.Card!.CardHolderId == holderId && t.Id != held)
            .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(10).Select(t => t.Id).ToListAsync());
        Assert.Equal(Math.Min(10, ids.Count - 1), read.Count);
        Assert.Equal(sorted, read);
    }

    /// <summary>
    /// A registered holder with a card per count, each card's payments at random whole hours of the last ten days (not a
    /// simulated holder: the start-up test counts the seeded ones' cards in this shared database).
    /// </summary>
    private async Task<(long HolderId, List<long> Ids)> HolderAsync(int[] counts)
    {
        var merchant = await Merchants.OrdinaryAsync(factory);
        var random = new Random(counts.Sum());
        var now = factory.Clock.UtcNow;
        using var session = await CardHolderSession.RegisteredAsync(factory);
        var email = session.Email;
        return await factory.QueryAsync(async db =>
        {
            var holder = await db.CardHolders.SingleAsync(h => db.Users.Any(u => u.Id == h.UserId && u.Email == email));
            var payments = new List<CardTransaction>();
            for (var c = 0; c < counts.Length; c++)
            {
                var card = Card.Simulated(holder.Id, Convert.ToHexString(Guid.NewGuid().ToByteArray()).PadRight(64, '0'), $"{c:0000}", 50_000m, now.AddYears(-1));
                db.Cards.Add(card);
                await db.SaveChangesAsync();
                for (var i = 0; i < counts[c]; i++)
                    payments.Add(db.Transactions.Add(CardTransaction.Submit(card, merchant, 5m + i, now.AddHours(-random.Next(240)))).Entity);
            }
            await db.SaveChangesAsync();
            return (holder.Id, payments.ConvertAll(p => p.Id));
        });
    }
}
