using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Tests.Browser.Infrastructure;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

/// <summary>Filling in the payment form in a real browser: the money as a French speaker writes it, and the merchant search.</summary>
public sealed partial class PaymentEntryJourneyTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task FrenchBrowser_TypesCommaBeforeCents_RefusedThenPaysTheCorrectedAmount()
    {
        // Arrange: a card holder with a card, in a browser set to French
        var merchant = await Merchants.OrdinaryAsync(host.Factory);
        var page = await host.NewPageAsync(locale: "fr-FR");
        var (card, _) = await ReviewJourneyTests.RegisterWithCardAsync(page, host.Factory);
        await page.GotoAsync($"/Transactions/New?merchantSearch=no.+{merchant.ToString(CultureInfo.InvariantCulture)}");
        await page.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(merchant.ToString(CultureInfo.InvariantCulture));

        // Act: "12,50" as a French speaker writes it
        await page.GetByLabel("Amount").FillAsync("12,50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        var message = page.Locator("[data-valmsg-for=Amount]");
        await message.GetByText("before the cents").WaitForAsync();
        var refused = await message.InnerTextAsync();
        var typed = await page.GetByLabel("Amount").InputValueAsync();
        var paidWhileRefused = await host.Factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == card));
        await page.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(merchant.ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Amount").FillAsync("12.50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        await page.AtAsync(new Regex("/Transactions/Details/\\d+$"));

        // Assert
        Assert.Equal("Use \".\" before the cents: 12.50.", refused.Trim());
        Assert.Equal("12,50", typed);
        Assert.Equal(0, paidWhileRefused);
        Assert.Equal("€12.50", (await page.Locator("dt:text-is('Amount') + dd").InnerTextAsync()).Trim());
        Assert.Equal(12.50m, await host.Factory.QueryAsync(db => db.Transactions.Where(t => t.CardId == card).Select(t => t.Amount).SingleAsync()));
    }

    [Fact]
    public async Task MerchantSearch_TypedBeforeScriptRan_ListRefilledWhenItRuns()
    {
        // Arrange: a card holder with a card; the form's search script held back, as on a slow connection
        var merchant = (await Merchants.OrdinaryAsync(host.Factory)).ToString(CultureInfo.InvariantCulture);
        var page = await host.NewPageAsync();
        await ReviewJourneyTests.RegisterWithCardAsync(page, host.Factory);
        var released = new TaskCompletionSource();
        await page.RouteAsync("**/js/merchant-search.js*", async route =>
        {
            await released.Task;
            await route.ContinueAsync();
        });

        // Act: the search typed while the script is still on its way, then the script arrives
        await page.GotoAsync("/Transactions/New", new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByLabel("Find a merchant").FillAsync($"no. {merchant}");
        var listedBeforeScript = await page.Locator($"[data-merchant-select] option[value='{merchant}']").CountAsync();
        released.SetResult();

        // Assert: the merchant typed is offered without pressing Search
        await page.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(merchant, new() { Timeout = 15_000 });
        Assert.Equal(0, listedBeforeScript);
        Assert.EndsWith("/Transactions/New", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MerchantSearch_ChosenMerchantNotInNewMatches_StaysChosen()
    {
        // Arrange: a card holder who has chosen a merchant found by a search
        var chosen = (await Merchants.OrdinaryAsync(host.Factory)).ToString(CultureInfo.InvariantCulture);
        var other = (await Merchants.WithRecentFraudAsync(host.Factory)).ToString(CultureInfo.InvariantCulture);
        var page = await host.NewPageAsync();
        await ReviewJourneyTests.RegisterWithCardAsync(page, host.Factory);
        await page.GotoAsync($"/Transactions/New?merchantSearch=no.+{chosen}");
        await page.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(chosen);

        // Act: a new search whose matches do not include the merchant chosen
        var search = page.GetByLabel("Find a merchant");
        await search.FillAsync($"no. {other}");
        await search.PressAsync("Enter");
        await page.Locator($"[data-merchant-select] option[value='{other}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        // Assert: the list shows the new match, the chosen merchant is still the one chosen, and no failure is reported
        Assert.Equal(chosen, await page.GetByLabel("Merchant", new() { Exact = true }).InputValueAsync());
        Assert.DoesNotContain("failed", await page.Locator("#merchant-search-status").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
