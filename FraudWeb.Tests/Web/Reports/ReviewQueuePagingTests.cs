using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;
using AngleSharp.Html.Dom;
using FraudWeb.Data;
using FraudWeb.Controllers;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>
/// The queue pages from an item (a cursor), in its order: highest risk first, then the longest waiting, then the payment.
/// A page number shifted every later item when another analyst decided one between two page loads (one never shown).
/// </summary>
public sealed class ReviewQueuePagingTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    /// <summary>A new holder's card with <paramref name="count"/> held payments at two risks; its last 4 digits and the payments.</summary>
    private async Task<(string Last4, List<long> Held)> CardWithHeldPaymentsAsync(int count)
    {
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20000m);
        var held = new List<long>();
        for (var i = 0; i < count; i++) held.Add(await factory.PayAtRiskAsync(holder, card, 10m + i, i % 3 == 0 ? 0.735 : 0.655));
        var last4 = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.Last4).SingleAsync());
        return (last4, held);
    }

    /// <summary>The card's held payments in the queue's order, as the database has them.</summary>
    private async Task<List<long>> InQueueOrderAsync(List<long> held)
    {
        var rows = await factory.QueryAsync(db => db.Transactions.Where(t => held.Contains(t.Id))
            .Select(t => new { t.Id, t.Verdict!.RiskScore, t.TimestampUtc }).ToListAsync());
        return [.. rows.OrderByDescending(x => x.RiskScore).ThenBy(x => x.TimestampUtc).ThenBy(x => x.Id).Select(x => x.Id)];
    }

    private static List<long> Items(IHtmlDocument page) =>
        [.. page.QuerySelectorAll("[data-testid=review-item]").Select(i => long.Parse(i.GetAttribute("data-transaction-id")!, CultureInfo.InvariantCulture))];

    private static string Link(IHtmlDocument page, string testId) => page.QuerySelector($"a[data-testid={testId}]")?.GetAttribute("href")
        ?? throw new InvalidOperationException($"No {testId} link on the page.");

    private static string Cursor(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Index_NextToTheEndThenPrevious_EveryItemOnceInQueueOrderFiltersKept()
    {
        // Arrange: 25 held payments on one card, two risks
        var (last4, held) = await CardWithHeldPaymentsAsync(25);
        var expected = await InQueueOrderAsync(held);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act: Next to the last page, then Previous back
        var pages = new List<IHtmlDocument>();
        await foreach (var page in analyst.QueuePagesAsync($"Kind=held&Search={last4}")) pages.Add(page);
        var backToSecond = await Html.GetPageAsync(analyst.Client, Link(pages[2], "queue-previous"));
        var backToFirst = await Html.GetPageAsync(analyst.Client, Link(backToSecond, "queue-previous"));

        // Assert
        Assert.Equal(3, pages.Count);
        Assert.Equal(expected, pages.SelectMany(Items));
        Assert.Equal(Items(pages[1]), Items(backToSecond));
        Assert.Equal(Items(pages[0]), Items(backToFirst));
        Assert.All(pages.Skip(1).Select(p => Link(p, "queue-previous")).Concat(pages.SkipLast(1).Select(p => Link(p, "queue-next"))), link =>
        {
            Assert.Contains("Kind=held", link, StringComparison.Ordinal);
            Assert.Contains("Search=" + last4, link, StringComparison.Ordinal);
        });
        Assert.Null(pages[0].QuerySelector("a[data-testid=queue-previous]"));
        Assert.Null(pages[2].QuerySelector("a[data-testid=queue-next]"));
        Assert.Null(backToFirst.QuerySelector("a[data-testid=queue-previous]"));
        Assert.Equal("25", pages[2].QuerySelector("[data-testid=queue-count]")!.TextContent);
    }

    [Fact]
    public async Task Index_ItemOfThePageDecidedBeforeNext_NextPageNeitherSkipsNorRepeats()
    {
        // Arrange: the analyst reads the first page
        var (last4, held) = await CardWithHeldPaymentsAsync(21);
        var expected = await InQueueOrderAsync(held);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var first = await Html.GetPageAsync(analyst.Client, $"/Review?Kind=held&Search={last4}");
        Assert.Equal(expected[..10], Items(first));

        // Act: another analyst decides the page's first item, then the analyst goes on
        using var other = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await other.DecideAsync(expected[0], confirm: false)).StatusCode);
        var second = await Html.GetPageAsync(analyst.Client, Link(first, "queue-next"));
        var third = await Html.GetPageAsync(analyst.Client, Link(second, "queue-next"));

        // Assert: by page number the second page would start at the twelfth item, and the eleventh was never shown
        Assert.Equal(expected[10..20], Items(second));
        Assert.Equal(expected[20..], Items(third));
        Assert.Null(third.QuerySelector("a[data-testid=queue-next]"));
    }

    [Fact]
    public async Task Decide_FromTheSecondPage_BackToThatPageWithTheItemGone()
    {
        // Arrange
        var (last4, held) = await CardWithHeldPaymentsAsync(15);
        var expected = await InQueueOrderAsync(held);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var first = await Html.GetPageAsync(analyst.Client, $"/Review?Kind=held&Search={last4}");
        var secondUrl = Link(first, "queue-next");
        var second = await Html.GetPageAsync(analyst.Client, secondUrl);
        var item = second.QuerySelector($"[data-testid=review-item][data-transaction-id='{expected[12]}']")!;
        var form = (IHtmlFormElement)item.QuerySelector("form")!;
        var fields = form.QuerySelectorAll("input[type=hidden]:not([name=__RequestVerificationToken])")
            .Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? "")).Append(new("Confirm", "false"));

        // Act
        var response = await Html.SubmitAsync(analyst.Client, form.GetAttribute("action")!, fields, secondUrl);
        var after = await Html.GetPageAsync(analyst.Client, Html.Location(response));

        // Assert: the same page (its cursor and filters), the decided item gone, the others in their places
        Assert.Equal(secondUrl, Html.Location(response));
        Assert.Equal(expected[10..].Where(id => id != expected[12]), Items(after));
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("%E2%9C%93")]
    public async Task Index_TamperedCursor_FirstPageWithAMessageFiltersKept(string cursor)
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.Client.GetAsync(new Uri($"/Review?Kind=held&MinRisk=50&Cursor={cursor}", UriKind.Relative));
        var page = await Html.GetPageAsync(analyst.Client, Html.Location(response));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Review?Kind=held&MinRisk=50", Html.Location(response));
        Assert.Equal(ReviewController.PageNotFound, page.QuerySelector("[data-testid=review-error]")!.TextContent.Trim());
    }

    [Theory]
    [InlineData("qa:101:638000000000000000:1")] // a risk no item has
    [InlineData("qa:50:3155378975999999999:1:2")] // a number too many
    [InlineData("qa:50:3155378976000000000:1")] // a time past the last there is
    [InlineData("io:5")] // the audit log's
    [InlineData("o:638000000000000000:5")] // the payment history's
    public async Task Index_CursorThisCodeDidNotWrite_FirstPageWithAMessage(string text)
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.Client.GetAsync(new Uri("/Review?Cursor=" + Cursor(text), UriKind.Relative));
        var page = await Html.GetPageAsync(analyst.Client, Html.Location(response));

        // Assert
        Assert.Equal("/Review", Html.Location(response));
        Assert.Equal(ReviewController.PageNotFound, page.QuerySelector("[data-testid=review-error]")!.TextContent.Trim());
    }

    [Theory]
    [InlineData("qa:0:0:0")] // after the last item there is: the last page
    [InlineData("qb:100:0:0")] // before the first: the first page
    [InlineData("qa:0:3155378975999999999:9223372036854775807")]
    [InlineData("qb:100:3155378975999999999:9223372036854775807")]
    public async Task Index_CursorAtEitherEnd_APageOfTheQueueNotAnError(string text)
    {
        // Arrange
        var (last4, held) = await CardWithHeldPaymentsAsync(12);
        var expected = await InQueueOrderAsync(held);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.Client.GetAsync(new Uri($"/Review?Kind=held&Search={last4}&Cursor={Cursor(text)}", UriKind.Relative));
        var page = await Html.ParseAsync(response);

        // Assert: a page of ten (the first, or the last full one), never an empty page or an error
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = Items(page);
        Assert.True(items.SequenceEqual(expected[..10]) || items.SequenceEqual(expected[2..]), string.Join(",", items));
    }
}
