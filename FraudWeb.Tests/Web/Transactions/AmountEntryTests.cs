using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Transactions;

/// <summary>
/// Entering money (UI issue finding 2): the currency is shown, amounts are read the page's way (a comma typed out of
/// habit is refused, never read as thousands) and large or unusual amounts are confirmed before anything is paid.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class AmountEntryTests(FraudWebFactory factory)
{
    private Task<int> PaymentsOnAsync(long cardId) => factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId));

    private static string? ConfirmedKey(IHtmlDocument page) => page.QuerySelector("input[name=ConfirmedPayment]")?.GetAttribute("value");

    /// <summary>Submits the payment form as typed: the amount's text, and the confirmation the form handed back if any.</summary>
    private static Task<HttpResponseMessage> SubmitAsync(CardHolderSession holder, long card, long merchant, string amount, string? confirmed = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["CardId"] = card.ToString(CultureInfo.InvariantCulture),
            ["TerminalId"] = merchant.ToString(CultureInfo.InvariantCulture),
            ["Amount"] = amount,
        };
        if (confirmed is not null) fields["ConfirmedPayment"] = confirmed;
        return Html.SubmitAsync(holder.Client, "/Transactions/New", fields);
    }

    [Fact]
    public async Task Submit_CommaBeforeCents_RefusedWithTheRightWayAndNothingPaid()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        var response = await SubmitAsync(holder, card, merchant, "12,50");

        // Assert: the typed text stays in the field to be corrected
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("Use \".\" before the cents: 12.50.", Html.ValidationMessages(page));
        Assert.Equal("12,50", page.QuerySelector("input[name=Amount]")!.GetAttribute("value"));
        Assert.Equal(0, await PaymentsOnAsync(card));
    }

    [Fact]
    public async Task Submit_LargeAmount_AskedToConfirmThenPaidOnConfirmation()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act: paid as typed, then confirmed with what the form handed back
        var asked = await holder.PayAsync(card, merchant, 1500m, confirmed: false);
        var page = await Html.ParseAsync(asked);
        var paymentsWhileAsked = await PaymentsOnAsync(card);
        var confirmed = await SubmitAsync(holder, card, merchant, "1500", ConfirmedKey(page));

        // Assert
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("€1,500.00", page.QuerySelector("[data-testid=confirm-amount]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("large payment", page.QuerySelector("[data-testid=confirm-amount]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Confirm and pay €1,500.00", page.QuerySelector("[data-testid=pay]")!.TextContent.Trim());
        Assert.Equal(0, paymentsWhileAsked);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(1500m, await factory.QueryAsync(db => db.Transactions.Where(t => t.CardId == card).Select(t => t.Amount).SingleAsync()));
    }

    [Fact]
    public async Task Submit_ConfirmationOfAnotherAmount_AsksAgain()
    {
        // Arrange: the holder was asked about 1,500, then changed it to 15,000
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var first = await Html.ParseAsync(await holder.PayAsync(card, merchant, 1500m, confirmed: false));

        // Act
        var response = await SubmitAsync(holder, card, merchant, "15000", ConfirmedKey(first));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("€15,000.00", (await Html.ParseAsync(response)).QuerySelector("[data-testid=confirm-amount]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await PaymentsOnAsync(card));
    }

    [Fact]
    public async Task Submit_ManyTimesTheUsualPayment_AskedWithTheUsualAmount()
    {
        // Arrange: three payments of 20 on the card
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        for (var i = 0; i < 3; i++) await holder.PayAndGetIdAsync(card, merchant, 20m);

        // Act
        var page = await Html.ParseAsync(await holder.PayAsync(card, merchant, 200m, confirmed: false));

        // Assert
        Assert.Contains("10 times your usual payment with this card (€20.00)", page.QuerySelector("[data-testid=confirm-amount]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ThousandsOfTimesTheUsualPayment_MultipleWithThousandsSeparator()
    {
        // Arrange (exploratory testing: "It is 4500 times your usual payment", one long number beside €4,500.00)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        for (var i = 0; i < 3; i++) await holder.PayAndGetIdAsync(card, merchant, 1m);

        // Act
        var page = await Html.ParseAsync(await holder.PayAsync(card, merchant, 4500m, confirmed: false));

        // Assert
        Assert.Contains("4,500 times your usual payment with this card (€1.00)", page.QuerySelector("[data-testid=confirm-amount]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_OverAvailableCredit_WarnedItWillBeDeclined()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(1000m);
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        var page = await Html.ParseAsync(await holder.PayAsync(card, merchant, 1200m, confirmed: false));

        // Assert
        Assert.Contains("more than this card's available credit (€1,000.00), so it will be declined", page.QuerySelector("[data-testid=confirm-amount]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_OrdinaryAmount_PaidAtOnceAndShownInEuros()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        var id = await holder.PayAndGetIdAsync(card, merchant, 12.5m);
        var result = await holder.DetailsAsync(id);
        var form = await Html.GetPageAsync(holder.Client, "/Transactions/New");

        // Assert
        Assert.Contains("€12.50", result.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Amount (EUR)", form.QuerySelector("label[for=Amount]")!.TextContent.Trim());
        Assert.Equal("€", form.QuerySelector("#Amount")!.ParentElement!.QuerySelector(".input-group-text")!.TextContent.Trim());
    }
}
