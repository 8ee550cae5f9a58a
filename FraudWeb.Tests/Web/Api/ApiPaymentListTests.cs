using System.Text.Json;
using FraudWeb.Api;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// GET /api/v1/payments read from a row (keyset, PaymentResources.PageIds): the pages and their cursors are those of
/// sorting the holder's whole history by id, however the payments lie across cards, ids and times.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiPaymentListTests(FraudWebFactory factory)
{
    [Fact]
    public async Task List_ThreeUnevenCardsPagesOfFour_EveryPaymentOnceByIdEachCursorItsLastId()
    {
        // Arrange: 30, 3 and 8 scored payments, their times not in their ids' order, and two never scored
        var (api, cards) = await HolderAsync(3);
        var scored = await PayAsync(cards, [30, 3, 8], seed: 1);
        await PayAsync([cards[1]], [2], seed: 2, scoredToo: false);

        // Act
        var pages = await WalkAsync(api, "limit=4");

        // Assert: as sorting the whole history by id, each page's cursor the one its last payment always gave
        var expected = scored.OrderDescending().Chunk(4).ToList();
        Assert.Equal(expected.Count, pages.Count);
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Equal(expected[i], pages[i].Ids);
            Assert.Equal(i < pages.Count - 1 ? PaymentResources.EncodeCursor(expected[i][^1]) : null, pages[i].Next);
        }
    }

    [Fact]
    public async Task List_CardAndTimeWindowPagesOfThree_OnlyThatCardsPaymentsInTheWindowByIdEachPage()
    {
        // Arrange: the window holds some of the busy card's payments; the other card's are outside the filter
        var (api, cards) = await HolderAsync(2);
        await PayAsync(cards, [25, 6], seed: 3);
        var now = factory.Clock.UtcNow;
        var (from, to) = (now.AddDays(-12), now.AddDays(-4));
        var inWindow = await factory.QueryAsync(db => db.Transactions
            .Where(t => t.CardId == cards[0] && t.TimestampUtc >= from && t.TimestampUtc < to).Select(t => t.Id).ToListAsync());

        // Act
        var pages = await WalkAsync(api, $"cardId={cards[0]}&from={Rfc3339(from)}&to={Rfc3339(to)}&limit=3");

        // Assert
        Assert.NotEmpty(inWindow);
        Assert.Equal(inWindow.OrderDescending().Chunk(3).Select(p => p.ToList()), pages.Select(p => p.Ids));
        Assert.All(pages.SkipLast(1), p => Assert.Equal(PaymentResources.EncodeCursor(p.Ids[^1]), p.Next));
    }

    private static string Rfc3339(DateTime utc) => Uri.EscapeDataString(utc.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture));

    private async Task<(HttpClient Api, List<long> Cards)> HolderAsync(int cards)
    {
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var ids = new List<long>();
        for (var i = 0; i < cards; i++) ids.Add(await holder.AddCardAsync(20_000m));
        return (factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsRead)), ids);
    }

    /// <summary>
    /// Payments written straight to the database, counts per card, cards in turn, each at a random time of the last
    /// three weeks (so ids and times disagree, as the API's id order allows); scored as approved unless told not to.
    /// </summary>
    private async Task<List<long>> PayAsync(List<long> cardIds, int[] counts, int seed, bool scoredToo = true)
    {
        var merchant = await Merchants.OrdinaryAsync(factory);
        var random = new Random(seed);
        var now = factory.Clock.UtcNow;
        return await factory.QueryAsync(async db =>
        {
            var cards = await db.Cards.Where(c => cardIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id);
            var left = counts.ToArray();
            var added = new List<CardTransaction>();
            while (left.Any(n => n > 0))
            {
                for (var i = 0; i < cardIds.Count; i++)
                {
                    if (left[i]-- <= 0) continue;
                    var payment = CardTransaction.Submit(cards[cardIds[i]], merchant, 1m + random.Next(100), now.AddMinutes(-random.Next(21 * 24 * 60)));
                    if (scoredToo) payment.RecordVerdict(Payments.Verdict(Decision.Approved));
                    db.Transactions.Add(payment);
                    added.Add(payment);
                    // One at a time: the ids follow this order, not the times'.
                    await db.SaveChangesAsync();
                }
            }
            return added.ConvertAll(p => p.Id);
        });
    }

    private async Task<List<(List<long> Ids, string? Next)>> WalkAsync(HttpClient api, string query)
    {
        var pages = new List<(List<long> Ids, string? Next)>();
        string? cursor = null;
        do
        {
            var page = await api.GetAsync(factory, $"/api/v1/payments?{query}" + (cursor is null ? "" : $"&cursor={cursor}"));
            cursor = page.Json.GetProperty("nextCursor") is { ValueKind: JsonValueKind.String } next ? next.GetString() : null;
            pages.Add((page.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList(), cursor));
        }
        while (cursor is not null && pages.Count < 100);
        return pages;
    }
}
