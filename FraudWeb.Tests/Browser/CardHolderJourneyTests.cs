using FraudWeb.ViewModels.Account;
using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;
using FraudWeb.Tests.Browser.Infrastructure;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Scoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

/// <summary>A person uses the card-holder side in a real browser, from registration to the fraud history.</summary>
public sealed partial class CardHolderJourneyTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task ApiKey_RevokeClicked_AskedFirstDismissKeepsTheKeyAcceptRevokesIt()
    {
        // Arrange: a card holder with a key.
        var page = await host.NewPageAsync();
        await ReviewJourneyTests.RegisterWithCardAsync(page, host.Factory);
        var name = "Checkout " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync("/ApiKeys");
        await page.Locator("input[name=Name]").FillAsync(name);
        await page.Locator("input[name=Scopes]").First.CheckAsync();
        await page.Locator("form[action$='/ApiKeys/Create'] button[type=submit]").ClickAsync();
        await page.GetByTestId("new-api-key").WaitForAsync();
        await page.GotoAsync("/ApiKeys");
        var revoke = page.GetByRole(AriaRole.Button, new() { Name = $"Revoke the key {name}" });
        Task<bool> RevokedAsync() => host.Factory.QueryAsync(db => db.ApiKeys.Where(k => k.Name == name).Select(k => k.RevokedUtc != null).SingleAsync());
        var questions = new List<string>();
        var accept = false;
        page.Dialog += (_, dialog) =>
        {
            questions.Add(dialog.Message);
            _ = accept ? dialog.AcceptAsync() : dialog.DismissAsync();
        };

        // Act: the holder changes their mind, then revokes.
        await revoke.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var afterDismiss = await RevokedAsync();
        accept = true;
        await revoke.ClickAsync();
        await page.Locator("td[data-status=Revoked]").WaitForAsync();

        // Assert: asked both times, naming the key; only the accepted question revoked it.
        Assert.Equal(2, questions.Count);
        Assert.All(questions, q => Assert.Contains(name, q, StringComparison.Ordinal));
        Assert.False(afterDismiss);
        Assert.True(await RevokedAsync());
    }

    [Fact]
    public async Task CardHolder_RegistersAddsCardAndPays_SeesBothVerdictsAndFraudHistory()
    {
        // Arrange
        var page = await host.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error") consoleErrors.Add($"{message.Text} ({message.Location})");
        };
        var email = host.Factory.NewEmail();
        var ordinaryMerchant = await Merchants.OrdinaryAsync(host.Factory);
        var riskyMerchant = await Merchants.WithRecentFraudAsync(host.Factory);
        var card = TestCards.NewVisa();

        // Act: register
        await page.GotoAsync("/");
        await Shot(page, "01-welcome");
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await page.GetByLabel("Full name").FillAsync("Grace Hopper");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Phone number").FillAsync("+1 555 0100");
        await page.GetByLabel("Date of birth").FillAsync("1985-12-09");
        await page.GetByLabel("Address line 1", new() { Exact = true }).FillAsync("1 Navy Yard");
        await page.GetByLabel("Town or city").FillAsync("Arlington");
        await page.GetByLabel("Postcode").FillAsync("22202");
        await page.GetByLabel("Country").FillAsync("United States");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(FraudWebFactory.Password);
        await page.GetByLabel("Confirm password").FillAsync(FraudWebFactory.Password);
        await page.GetByLabel(ConsentViewModel.Label).CheckAsync();
        await Shot(page, "02-register");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await page.GetByTestId("register-confirmation").WaitForAsync();

        // Act: follow the mailed confirmation link, then sign in through the login form
        await page.GotoAsync(Mailbox.LinkTo(Mailbox.MessageTo(host.Factory, email, "Confirm your FraudWeb account"), "/Account/ConfirmEmail"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my email address" }).ClickAsync();
        await page.GetByTestId("email-confirmed").WaitForAsync();
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(FraudWebFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.AtAsync(new Regex("/Profile$"), "the profile page");

        // Act: add a card
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a card" }).First.ClickAsync();
        await page.GetByLabel("Card number").FillAsync(string.Join(' ', card.Chunk(4).Select(c => new string(c))));
        await page.GetByLabel("Name on card").FillAsync("GRACE HOPPER");
        await page.GetByLabel("Expiry month").SelectOptionAsync("11");
        await page.GetByLabel("Expiry year").FillAsync((host.Factory.Clock.UtcNow.Year + 4).ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Credit limit").SelectOptionAsync("20000");
        await Shot(page, "03-add-card");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add card" }).ClickAsync();
        await page.AtAsync(new Regex("/Profile$"), "the profile page");
        Assert.Contains($"Visa •••• {card[^4..]}", await page.Locator("[data-card-id]").InnerTextAsync(), StringComparison.Ordinal);
        // What was done is read first: the focus is on the page's status message, not at the top of the menu (accessibility test).
        Assert.Equal("status", await page.EvaluateAsync<string>("() => document.activeElement && document.activeElement.getAttribute('role')"));

        // Act: an ordinary payment, then a suspicious one (large, at a merchant with recent fraud)
        var ordinary = await PayAsync(page, ordinaryMerchant, "23.40", "04-ordinary-payment");
        var suspicious = await PayAsync(page, riskyMerchant, "4800.00", "05-suspicious-payment", confirm: "€4,800.00");

        // Act: the profile
        await page.GetByRole(AriaRole.Link, new() { Name = "My profile", Exact = true }).ClickAsync();
        await page.Locator("#spendRiskChart[data-rendered=true]").WaitForAsync();
        await RecordShots.SaveAsync(page, "06-profile");

        // Assert: the verdicts shown are the stored ones, and the suspicious payment was really flagged by the model
        var stored = await host.Factory.QueryAsync(db => db.Transactions.Where(t => t.Id == ordinary.Id || t.Id == suspicious.Id).ToDictionaryAsync(t => t.Id));
        Assert.Equal(stored[ordinary.Id].Verdict!.Decision.ToString(), ordinary.Decision);
        Assert.Equal(stored[suspicious.Id].Verdict!.Decision.ToString(), suspicious.Decision);
        Assert.Equal(Decision.Approved, stored[ordinary.Id].Verdict!.Decision);
        Assert.Contains(stored[suspicious.Id].Verdict!.Decision, new[] { Decision.Review, Decision.Declined });
        Assert.True(stored[suspicious.Id].Verdict!.RiskScore > stored[ordinary.Id].Verdict!.RiskScore);
        Assert.NotEqual(DeclineReasons.InsufficientCredit, stored[suspicious.Id].Verdict!.DeclineReason);
        // Each reason shown says the direction its stored contribution pushed (raised when positive, lowered when not).
        foreach (var (id, shown) in new[] { (ordinary.Id, ordinary.Reasons), (suspicious.Id, suspicious.Reasons) })
        {
            var kept = TransactionScorer.ReadReasons(stored[id].Verdict!.ReasonsJson);
            Assert.Equal(kept.Count, shown.Count);
            foreach (var text in shown)
            {
                var reason = Assert.Single(kept, r => r.Text == text);
                Assert.True(ReasonWords.AgreesWith(text, reason.Contribution), $"payment {id}: \"{text}\" shown for a contribution of {reason.Contribution:+0.000;-0.000}");
            }
        }

        var fraudHistory = page.Locator("#fraud-history");
        Assert.Equal(1, await fraudHistory.Locator($"tr[data-transaction-id='{suspicious.Id}']").CountAsync());
        Assert.Equal(0, await fraudHistory.Locator($"tr[data-transaction-id='{ordinary.Id}']").CountAsync());
        Assert.Equal(2, await page.Locator("#transactions tbody tr").CountAsync());
        Assert.DoesNotContain(card, Regex.Replace(await page.ContentAsync(), "[^0-9]", ""), StringComparison.Ordinal);
        Assert.True(consoleErrors.Count == 0, string.Join(" | ", consoleErrors)); // includes Content-Security-Policy violations: no inline script or style slipped in
    }

    /// <summary>Pays through the form; <paramref name="confirm"/>: the form must first ask to confirm this amount (a large one).</summary>
    private static async Task<(long Id, string Decision, IReadOnlyList<string> Reasons)> PayAsync(IPage page, long merchantId, string amount, string screenshot, string? confirm = null)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "New payment" }).First.ClickAsync();
        // Loaded first: typed before the page's search script ran, the search would never be sent (seen in CI).
        await page.AtAsync(new Regex("/Transactions/New$"));
        // The merchant is found by its number in the form's search, which refills the list without a page load.
        await page.GetByLabel("Find a merchant").FillAsync($"no. {merchantId.ToString(CultureInfo.InvariantCulture)}");
        await page.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(merchantId.ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Amount").FillAsync(amount);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        if (confirm is not null)
        {
            await page.GetByTestId("confirm-amount").WaitForAsync();
            // The step is read first: the focus is on its warning and the title names it (accessibility test).
            Assert.Equal("confirm-amount", await page.EvaluateAsync<string>("() => document.activeElement && document.activeElement.dataset.testid"));
            Assert.StartsWith("Confirm the payment", await page.TitleAsync(), StringComparison.Ordinal);
            await Shot(page, screenshot + "-confirm");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Confirm and pay {confirm}" }).ClickAsync();
        }
        await page.AtAsync(new Regex("/Transactions/Details/\\d+$"));
        await Shot(page, screenshot);
        var id = long.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
        // Card holders see the decision and the reasons in words, never the score.
        var decision = await page.Locator("[data-decision]").GetAttributeAsync("data-decision") ?? "";
        Assert.Equal(0, await page.Locator("[data-testid=risk-score]").CountAsync());
        var reasons = await page.Locator("ul.reasons li").AllInnerTextsAsync();
        Assert.True(reasons.Count >= 3);
        return (id, decision, [.. reasons.Select(r => r.Trim())]);
    }

    private static async Task Shot(IPage page, string name) =>
        await RecordShots.SaveAsync(page, name);
}
