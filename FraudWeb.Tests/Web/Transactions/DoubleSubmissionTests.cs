using System.Globalization;
using System.Net;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Transactions;

/// <summary>
/// One payment form pays once: the page's one-time key goes with the payment into the writer's commit, as an API
/// client's Idempotency-Key does, so a double click, the back button or a confirmed page sent again answer with the
/// payment already made (review finding, 2026-12-03: each sent form charged the card again).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class DoubleSubmissionTests(FraudWebFactory factory)
{
    private Task<(int Count, decimal Balance)> CardAsync(long cardId) => factory.QueryAsync(async db =>
        (await db.Transactions.CountAsync(t => t.CardId == cardId), await db.Cards.Where(c => c.Id == cardId).Select(c => c.Balance).SingleAsync()));

    private static Dictionary<string, string> Form(long card, long merchant, string amount) => new()
    {
        ["CardId"] = card.ToString(CultureInfo.InvariantCulture),
        ["TerminalId"] = merchant.ToString(CultureInfo.InvariantCulture),
        ["Amount"] = amount,
    };

    private static Task<HttpResponseMessage> PostAsync(CardHolderSession holder, Dictionary<string, string> fields) =>
        holder.Client.PostAsync(new Uri("/Transactions/New", UriKind.Relative), new FormUrlEncodedContent(fields));

    [Fact]
    public async Task New_SameFormSentTwice_OnePaymentBothAnswersShowIt()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(500m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var form = CardHolderSession.WithFormKeys(await Html.GetPageAsync(holder.Client, "/Transactions/New"), Form(card, merchant, "25.00"));

        // Act
        var first = await PostAsync(holder, form);
        var again = await PostAsync(holder, form);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(Html.Location(first), Html.Location(again));
        Assert.Equal((1, 25m), await CardAsync(card));
    }

    [Theory]
    [InlineData(null)] // left out: each such form paid again (money QA)
    [InlineData("x")] // altered: the form came back with no message, so Pay seemed to do nothing
    public async Task New_FormKeyMissingOrAltered_SaysTheFormExpiredWithANewKeyAndPaysNothing(string? key)
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(500m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var form = CardHolderSession.WithFormKeys(await Html.GetPageAsync(holder.Client, "/Transactions/New"), Form(card, merchant, "25.00"));
        if (key is null) form.Remove("SubmissionKey");
        else form["SubmissionKey"] = key;

        // Act
        var answer = await PostAsync(holder, form);
        var page = await Html.ParseAsync(answer);

        // Assert
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["This form has expired. Reload the page and pay again."], Html.ValidationMessages(page));
        Assert.Matches("^[0-9a-f]{32}$", page.QuerySelector("input[name=SubmissionKey]")!.GetAttribute("value")!);
        Assert.Equal("25.00", page.QuerySelector("input[name=Amount]")!.GetAttribute("value"));
        Assert.Equal((0, 0m), await CardAsync(card));
    }

    [Fact]
    public async Task New_SameFormSentTwiceAtOnce_OnePayment()
    {
        // Arrange: a double click.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(500m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var form = CardHolderSession.WithFormKeys(await Html.GetPageAsync(holder.Client, "/Transactions/New"), Form(card, merchant, "25.00"));

        // Act
        var answers = await Task.WhenAll(PostAsync(holder, form), PostAsync(holder, form), PostAsync(holder, form));

        // Assert
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        Assert.Single(answers.Select(Html.Location).Distinct());
        Assert.Equal((1, 25m), await CardAsync(card));
    }

    [Fact]
    public async Task New_ConfirmedFormSentTwice_OnePayment()
    {
        // Arrange: a large amount comes back to be confirmed; the confirmed page is then sent twice.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20_000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var asked = await PostAsync(holder, CardHolderSession.WithFormKeys(await Html.GetPageAsync(holder.Client, "/Transactions/New"), Form(card, merchant, "9000.00")));
        var confirmPage = await Html.ParseAsync(asked);
        var confirmed = CardHolderSession.WithFormKeys(confirmPage, Form(card, merchant, "9000.00"));
        confirmed["ConfirmedPayment"] = confirmPage.QuerySelector("input[name=ConfirmedPayment]")!.GetAttribute("value")!;

        var logged = factory.Logs.Entries.Count;

        // Act
        var first = await PostAsync(holder, confirmed);
        var again = await PostAsync(holder, confirmed);

        // Assert
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        // With the page's messages and the app's warnings: one CI run (2026-12-07) answered 200 here, its key masked as a
        // card number (SearchTermTests.New_DrawHoldsACardNumber_DrawnAgain).
        if (first.StatusCode != HttpStatusCode.Redirect)
        {
            var page = await Html.ParseAsync(first);
            Assert.Fail($"The confirmed payment answered {(int)first.StatusCode}: {string.Join(" | ", Html.ValidationMessages(page))} "
                + $"{page.QuerySelector("[data-testid=confirm-amount]")?.TextContent}\nLogged meanwhile: {factory.Logs.WarningsSince(logged)}");
        }
        Assert.Equal(Html.Location(first), Html.Location(again));
        Assert.Equal(1, (await CardAsync(card)).Count);
    }

    [Fact]
    public async Task New_FirstPageOfAConfirmedPaymentSentAgain_AnswersWithThePaymentNotTheQuestion()
    {
        // Arrange (review: Back to the first page and sent again asked "please check the amount" of a payment already
        // made): a large amount asked, confirmed and paid.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20_000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var original = CardHolderSession.WithFormKeys(await Html.GetPageAsync(holder.Client, "/Transactions/New"), Form(card, merchant, "9000.00"));
        var confirmPage = await Html.ParseAsync(await PostAsync(holder, original));
        var confirmed = CardHolderSession.WithFormKeys(confirmPage, Form(card, merchant, "9000.00"));
        confirmed["ConfirmedPayment"] = confirmPage.QuerySelector("input[name=ConfirmedPayment]")!.GetAttribute("value")!;
        var paid = await PostAsync(holder, confirmed);

        // Act
        var again = await PostAsync(holder, original);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(Html.Location(paid), Html.Location(again));
        Assert.Equal(1, (await CardAsync(card)).Count);
    }

    [Fact]
    public async Task New_UsedFormSentWithAnotherAmount_RefusedAndShownWithANewKey()
    {
        // Arrange: paid, then the back button, another amount, the same page sent again.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(500m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var form = CardHolderSession.WithFormKeys(await Html.GetPageAsync(holder.Client, "/Transactions/New"), Form(card, merchant, "25.00"));
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(holder, form)).StatusCode);
        form["Amount"] = "30.00";

        // Act
        var refused = await PostAsync(holder, form);
        var page = await Html.ParseAsync(refused);
        var newKey = page.QuerySelector("input[name=SubmissionKey]")?.GetAttribute("value");
        var resent = await PostAsync(holder, CardHolderSession.WithFormKeys(page, Form(card, merchant, "30.00")));

        // Assert
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(Html.ValidationMessages(page), m => m.Contains("already made a payment", StringComparison.Ordinal));
        Assert.NotEqual(form["SubmissionKey"], newKey);
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        Assert.Equal((2, 55m), await CardAsync(card));
    }

    [Fact]
    public async Task New_UsedFormSentWithAnotherCard_RefusedAndNothingMorePaid()
    {
        // Arrange: paid with one card, then the back button, the holder's other card chosen, the same page sent again
        // (review finding, 2026-12-04: keys filed per card paid again with the other card).
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(500m);
        var other = await holder.AddCardAsync(500m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var form = CardHolderSession.WithFormKeys(await Html.GetPageAsync(holder.Client, "/Transactions/New"), Form(card, merchant, "25.00"));
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(holder, form)).StatusCode);
        form["CardId"] = other.ToString(CultureInfo.InvariantCulture);

        // Act
        var refused = await PostAsync(holder, form);
        var page = await Html.ParseAsync(refused);

        // Assert
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(Html.ValidationMessages(page), m => m.Contains("already made a payment", StringComparison.Ordinal));
        Assert.Equal((1, 25m), await CardAsync(card));
        Assert.Equal((0, 0m), await CardAsync(other));
    }

    [Fact]
    public async Task New_TwoPagesOfTheForm_TwoPayments()
    {
        // Arrange: the same payment made twice on purpose, each from its own page.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(500m);
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        var first = await holder.SubmitPaymentFormAsync(Form(card, merchant, "25.00"));
        var second = await holder.SubmitPaymentFormAsync(Form(card, merchant, "25.00"));

        // Assert
        Assert.NotEqual(Html.Location(first), Html.Location(second));
        Assert.Equal((2, 50m), await CardAsync(card));
    }
}
