using System.Net;
using AngleSharp.Html.Dom;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web;

/// <summary>The profile's payment history paged from a row (Newer / Older), through the app as a browser reads it.</summary>
[Collection(WebTestGroup.Name)]
public sealed class ProfileHistoryPagingTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Index_PaymentBetweenFirstPageAndOlder_SecondPageRepeatsNoRow()
    {
        // Arrange: twelve payments, the first page read
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var paid = new List<long>();
        for (var i = 0; i < 12; i++) paid.Add(await holder.PayAndGetIdAsync(card, merchant, 5m + i));
        var first = await Html.GetPageAsync(holder.Client, "/Profile");
        var older = LastPagingLink(first);

        // Act: a payment arrives before the holder follows the link to older payments
        await holder.PayAndGetIdAsync(card, merchant, 50m);
        var second = await Html.GetPageAsync(holder.Client, older!);

        // Assert: the two oldest, nothing of the first page again
        Assert.Equal(paid.OrderDescending().Take(10), RowIds(first));
        Assert.Empty(RowIds(second).Intersect(RowIds(first)));
        Assert.Equal(paid.OrderDescending().Skip(10), RowIds(second));
    }

    [Fact]
    public async Task Index_OlderToTheEndThenNewerBack_EveryPaymentOnceEachWay()
    {
        // Arrange: 23 payments from two cards in turn, four at a time at the same moment (their order is the id's)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cards = new[] { await holder.AddCardAsync(20000m), await holder.AddCardAsync(20000m) };
        var merchant = await Merchants.OrdinaryAsync(factory);
        var paid = new List<long>();
        for (var i = 0; i < 23; i++)
        {
            if (i % 4 == 0) factory.Clock.Advance(TimeSpan.FromSeconds(1));
            paid.Add(await holder.PayAndGetIdAsync(cards[i % 2], merchant, 5m + i));
        }

        // Act: Older to the end, a payment arriving after the first page; then Newer back to the top
        var page = await Html.GetPageAsync(holder.Client, "/Profile");
        var olderWalk = new List<long>(RowIds(page));
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var arrived = await holder.PayAndGetIdAsync(cards[0], merchant, 50m);
        while (Link(page, "Older payments") is { } older)
        {
            page = await Html.GetPageAsync(holder.Client, older);
            olderWalk.AddRange(RowIds(page));
        }
        var oldest = page;
        var newerPages = new List<List<long>> { RowIds(page) };
        while (Link(page, "Newer payments") is { } newer)
        {
            page = await Html.GetPageAsync(holder.Client, newer);
            newerPages.Add(RowIds(page));
        }

        // Assert: each way every payment once, latest first; the new one is met on the way back, above the rest
        Assert.Equal(paid.OrderDescending(), olderWalk);
        Assert.Equal(paid.Append(arrived).OrderDescending(), Enumerable.Reverse(newerPages).SelectMany(p => p));
        Assert.Equal("/Profile#transactions", Link(oldest, "Newest payments"));
        Assert.Null(Link(oldest, "Older payments"));
        Assert.Null(Link(page, "Newer payments"));
        Assert.Equal("Payment history pages", oldest.QuerySelector("#transactions nav")!.GetAttribute("aria-label"));
    }

    [Fact]
    public async Task Index_TamperedCursorOrOldPageLink_NewestPageNever500()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var paid = new List<long>();
        for (var i = 0; i < 12; i++) paid.Add(await holder.PayAndGetIdAsync(card, merchant, 5m + i));
        var cursor = Link(await Html.GetPageAsync(holder.Client, "/Profile"), "Older payments")!.Split("cursor=")[1].Split('#')[0];
        static string Encoded(string text) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(text));
        var tampered = new[]
        {
            cursor[..^1] + "*", "%25%25", "o", Encoded("o:99999999999999999999:1"), Encoded("o:3155378976000000000:1"), Encoded("o:-1:5"),
            Encoded("n:1"), Encoded("o:1:2:3"), PaymentResourcesCursor(5), Encoded(":1:2"),
        };

        // Act
        var refused = new List<HttpResponseMessage>();
        foreach (var text in tampered) refused.Add(await holder.Client.GetAsync(new Uri("/Profile?cursor=" + text, UriKind.Relative)));
        var landed = await Html.GetPageAsync(holder.Client, Html.Location(refused[0]));
        var oldLinks = new List<IHtmlDocument>();
        foreach (var query in new[] { "?page=2", "?page=abc", "?page=-1", "?page=99999999999", "?cursor=", Encoded("o:0:0").Insert(0, "?cursor=") })
        {
            oldLinks.Add(await Html.GetPageAsync(holder.Client, "/Profile" + query));
        }

        // Assert: a cursor not understood is said once, over the newest page; an old page link, or a cursor past the
        // end, is the newest page
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.All(refused, r => Assert.Equal("/Profile#transactions", Html.Location(r)));
        Assert.Equal("That page of your payment history was not found; here are your latest payments.",
            landed.QuerySelector("#transactions [role=alert]")!.TextContent);
        Assert.Equal(paid.OrderDescending().Take(10), RowIds(landed));
        Assert.All(oldLinks, p => Assert.Equal(paid.OrderDescending().Take(10), RowIds(p)));
        Assert.All(oldLinks, p => Assert.Null(p.QuerySelector("#transactions [role=alert]")));
    }

    [Fact]
    public async Task Index_AnotherHoldersCursor_OnlyOwnPayments()
    {
        // Arrange: two holders with twelve payments each, the one's cursors from the other's history
        var merchant = await Merchants.OrdinaryAsync(factory);
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        using var other = await CardHolderSession.RegisteredAsync(factory);
        var ownerCard = await owner.AddCardAsync(20000m);
        var otherCard = await other.AddCardAsync(20000m);
        var owners = new List<long>();
        var others = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(1));
            owners.Add(await owner.PayAndGetIdAsync(ownerCard, merchant, 5m + i));
            others.Add(await other.PayAndGetIdAsync(otherCard, merchant, 5m + i));
        }
        var ownerFirst = await Html.GetPageAsync(owner.Client, "/Profile");
        var ownerOlder = await Html.GetPageAsync(owner.Client, Link(ownerFirst, "Older payments")!);
        var cursors = new[] { Link(ownerFirst, "Older payments")!, Link(ownerOlder, "Newer payments")! };

        // Act: the other holder opens the owner's links
        var seen = new List<IHtmlDocument>();
        foreach (var link in cursors) seen.Add(await Html.GetPageAsync(other.Client, link));

        // Assert: the same positions in their own history, none of the owner's payments
        Assert.All(seen, p => Assert.Empty(RowIds(p).Intersect(owners)));
        Assert.All(seen, p => Assert.NotEmpty(RowIds(p)));
        Assert.All(seen, p => Assert.Subset(others.ToHashSet(), RowIds(p).ToHashSet()));
        Assert.Empty(RowIds(ownerFirst).Concat(RowIds(ownerOlder)).Intersect(others));
    }

    private static string PaymentResourcesCursor(long id) => FraudWeb.Api.PaymentResources.EncodeCursor(id);

    private static List<long> RowIds(IHtmlDocument page) =>
        page.QuerySelectorAll("#transactions tbody tr").Select(r => long.Parse(r.GetAttribute("data-transaction-id")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>The address of the history's paging link of this name, or null where there is no such link (an end).</summary>
    private static string? Link(IHtmlDocument page, string name) =>
        page.QuerySelectorAll("#transactions nav .pagination a").SingleOrDefault(a => a.TextContent == name)?.GetAttribute("href");

    /// <summary>The history's paging link to the older rows: the last of the pager's items (also the old offset pager's "Next").</summary>
    private static string? LastPagingLink(IHtmlDocument page) =>
        page.QuerySelector("#transactions .pagination .page-item:last-child a")?.GetAttribute("href");
}
