using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Browser.Infrastructure;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;
using FraudWeb.Tests.Web.Reports;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

/// <summary>
/// An analyst who has chosen Chinese works the review queue with the Chinese pages: narrows it to a card, takes a held
/// payment and decides it, reading every step's outcome in Chinese.
/// </summary>
public sealed class ChineseStaffJourneyTests(HeldPaymentBrowserHost host) : IClassFixture<HeldPaymentBrowserHost>
{
    private static string Zh(string english) => Chinese.Of(english);

    private static async Task Shot(IPage page, string name) =>
        await RecordShots.SaveAsync(page, name);

    [Fact]
    public async Task Analyst_Chinese_FiltersAssignsAndDecidesAHeldPayment()
    {
        // Arrange: a card holder's payment held for review; an analyst signed in who then picks Chinese (its cookie)
        var factory = host.Factory;
        host.Risk.Probability = ControlledRiskModel.HeldProbability;
        var merchant = (await Merchants.OrdinaryAsync(factory)).ToString(CultureInfo.InvariantCulture);
        var holderPage = await host.NewPageAsync();
        var (cardId, last4) = await ReviewJourneyTests.RegisterWithCardAsync(holderPage, factory);
        await holderPage.GotoAsync($"/Transactions/New?cardId={cardId}&merchantSearch=no.+{merchant}");
        await holderPage.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(merchant);
        await holderPage.GetByLabel("Amount").FillAsync("64.20");
        await holderPage.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        await holderPage.AtAsync(new Regex("/Transactions/Details/\\d+$"));
        var id = long.Parse(holderPage.Url[(holderPage.Url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
        var analystEmail = await ReviewJourneyTests.CreateAnalystAsync(factory, Roles.Analyst);
        var page = await host.NewPageAsync(); // the shared sign-in steps read the English pages
        await ReviewJourneyTests.SignInAsync(page, factory, analystEmail);
        await page.Context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c%3Dzh-CN%7Cuic%3Dzh-CN", Url = host.BaseAddress.ToString() }]);

        // Act: the queue from the menu, narrowed to the card's last 4 digits
        await page.GotoAsync("/Staff");
        await page.GetByRole(AriaRole.Link, new() { Name = Zh("Review queue"), Exact = true }).First.ClickAsync();
        await page.GetByLabel(Zh("Card's last 4 or merchant")).FillAsync(last4);
        await page.GetByRole(AriaRole.Button, new() { Name = Zh("Filter"), Exact = true }).ClickAsync();
        await page.AtAsync(new Regex($"/Review\\?.*Search={last4}"));
        var item = page.Locator($"[data-testid=review-item][data-transaction-id='{id}']");
        var listed = await page.Locator("[data-testid=review-item]").CountAsync();

        // Act: takes it, then marks it as fraud (held and unreported: declined)
        await item.GetByRole(AriaRole.Button, new() { NameRegex = NamedForItem(Zh("Assign to me")) }).ClickAsync();
        await page.GetByRole(AriaRole.Status).Filter(new() { HasText = Chinese.Of("Payment #{0} is assigned to you.", id) }).WaitForAsync();
        var assignee = await item.GetByTestId("assignee").InnerTextAsync();
        var filtered = page.Url;
        await Shot(page, "zh-staff-01-assigned");
        await item.GetByRole(AriaRole.Button, new() { NameRegex = NamedForItem(Zh("Mark as fraud and decline it")) }).ClickAsync();
        await page.GetByRole(AriaRole.Status).Filter(new() { HasText = Chinese.Of("Payment #{0} marked as fraud and declined.", id) }).WaitForAsync();
        await Shot(page, "zh-staff-02-decided");

        // Assert: one item for the card, the steps said in Chinese, the filter kept, and the decision stored
        Assert.Equal(1, listed);
        Assert.Equal(Zh("Assigned to you"), assignee.Trim());
        Assert.Contains($"Search={last4}", filtered, StringComparison.Ordinal);
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(0, await item.CountAsync());
        var stored = await factory.TransactionAsync(id);
        Assert.Equal(FraudLabel.Fraud, stored.Label);
        Assert.Equal(ReviewSettlement.Declined, stored.Settlement);
    }

    // A queue button's name is its words, then which item it acts on in brackets (full-width in Chinese).
    private static System.Text.RegularExpressions.Regex NamedForItem(string words) =>
        new("^" + System.Text.RegularExpressions.Regex.Escape(words) + "（.+）$");
}
