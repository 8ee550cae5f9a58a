using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Tests.Browser.Infrastructure;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

/// <summary>
/// Paying, reporting and reviewing with the keyboard alone (Tab, typing, arrows, Enter, Space): every control on the
/// way is reachable and works without a pointer.
/// </summary>
public sealed class KeyboardJourneyTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/> (as a keyboard user moves on).</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var presses = 0; presses < 80; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector)) return;
        }
        throw new InvalidOperationException($"Tab never reached {selector} on {page.Url}.");
    }

    [Fact]
    public async Task KeyboardOnly_PayReportAndReview_EachStepReachableAndDone()
    {
        // Arrange: a card holder with a card (at the profile) and an analyst
        var holder = await host.NewPageAsync();
        var (cardId, last4) = await ReviewJourneyTests.RegisterWithCardAsync(holder, host.Factory);
        var merchant = (await Merchants.OrdinaryAsync(host.Factory)).ToString(CultureInfo.InvariantCulture);
        var analystEmail = await ReviewJourneyTests.CreateAnalystAsync(host.Factory);

        // Act: pay — menu link, merchant search, the list, the amount, Enter
        await TabToAsync(holder, "nav a[href$='/Transactions/New']");
        await holder.Keyboard.PressAsync("Enter");
        await holder.AtAsync(new Regex("/Transactions/New$"));
        await TabToAsync(holder, "#MerchantSearch");
        await holder.Keyboard.TypeAsync($"no. {merchant}");
        await holder.Locator($"[data-merchant-select] option[value='{merchant}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await TabToAsync(holder, "[data-merchant-select]");
        await holder.Keyboard.PressAsync("ArrowDown");
        Assert.Equal(merchant, await holder.Locator("[data-merchant-select]").InputValueAsync());
        await TabToAsync(holder, "#Amount");
        await holder.Keyboard.TypeAsync("120.00");
        await holder.Keyboard.PressAsync("Enter");
        await holder.AtAsync(new Regex("/Transactions/Details/\\d+$"));
        var id = long.Parse(holder.Url[(holder.Url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);

        // Act: report it — the link, the "not me" choice, the reason, the button
        await TabToAsync(holder, "[data-testid=report-link]");
        await holder.Keyboard.PressAsync("Enter");
        await holder.AtAsync(new Regex("/Reports/New"));
        await TabToAsync(holder, "#kind-notme");
        await holder.Keyboard.PressAsync("Space");
        await TabToAsync(holder, "textarea[name=Reason]");
        await holder.Keyboard.TypeAsync("I was at home all day; this was not me.");
        await TabToAsync(holder, "main button[type=submit]");
        await holder.Keyboard.PressAsync("Enter");
        await holder.AwayFromAsync("/Reports/New");

        // Act: the analyst narrows the queue to the card and decides — dashboard link, search, Enter, the decision
        var analyst = await host.NewPageAsync();
        await ReviewJourneyTests.SignInAsync(analyst, host.Factory, analystEmail);
        await TabToAsync(analyst, "main a[href$='/Review']");
        await analyst.Keyboard.PressAsync("Enter");
        await analyst.AtAsync(new Regex("/Review$"));
        await TabToAsync(analyst, "#Search");
        await analyst.Keyboard.TypeAsync(last4);
        await analyst.Keyboard.PressAsync("Enter");
        await analyst.AtAsync(new Regex("Search=" + last4));
        await TabToAsync(analyst, $"[data-testid=review-item][data-transaction-id='{id}'] [data-testid=decide-fraud]");
        // A refund is asked once more; the question is answered from the keyboard too (Enter accepts it).
        analyst.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await analyst.Keyboard.PressAsync("Enter");
        await analyst.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Payment #{id} marked as fraud" }).WaitForAsync();

        // Assert: paid, reported, decided — all from the keyboard
        var stored = await host.Factory.QueryAsync(db => db.Transactions.Where(t => t.Id == id).Select(t => new { t.CardId, t.Amount, t.Label }).SingleAsync());
        Assert.Equal(cardId, stored.CardId);
        Assert.Equal(120m, stored.Amount);
        Assert.Equal(FraudWeb.Domain.Entities.FraudLabel.Fraud, stored.Label);
    }

    [Fact]
    public async Task Register_EmptyFormCheckedInTheBrowser_EachFieldNamesItsOwnMessage()
    {
        // Arrange
        var page = await host.NewPageAsync();
        await page.GotoAsync("/Account/Register");

        // Act: sent empty with Enter, so the browser's checks (jQuery Validation) answer before the server does
        await page.Locator("#FullName").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#FullName[aria-invalid=true]").WaitForAsync();

        // Assert: each id is on one element only (the framework's message box and the script's message must not share
        // one: WCAG 4.1.1, axe "duplicate-id-aria"), and each field marked invalid is described by its message
        var duplicates = await page.EvaluateAsync<string[]>("""
            () => { const seen = {}; for (const e of document.querySelectorAll('[id]')) seen[e.id] = (seen[e.id] || 0) + 1;
                    return Object.keys(seen).filter(id => seen[id] > 1); }
            """);
        Assert.Empty(duplicates);
        var undescribed = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('[aria-invalid=true]')].filter(f =>
                !(f.getAttribute('aria-describedby') || '').split(/\s+/).some(id => document.getElementById(id)?.textContent.trim()))
              .map(f => f.id)
            """);
        Assert.Empty(undescribed);
    }

    [Fact]
    public async Task SignIn_WrongPassword_FocusOnTheMessageNotThePageTop()
    {
        // Arrange (review: with no field to mark, focus stayed on the page, and a keyboard user tabbed through the menu
        // to get back to the form)
        var page = await host.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("#Email").FillAsync($"nobody-{Guid.NewGuid():N}@example.com");
        await page.Locator("#Password").FillAsync("Not-the-password-42");

        // Act
        await page.Locator("#Password").PressAsync("Enter");
        await page.Locator(".validation-summary-errors").WaitForAsync();

        // Assert
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement?.matches('.validation-summary-errors') ?? false"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Email", await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''"));
    }
}
