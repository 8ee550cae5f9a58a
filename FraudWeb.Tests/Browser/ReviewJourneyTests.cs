using FraudWeb.ViewModels.Account;
using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Browser.Infrastructure;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Reports;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

/// <summary>
/// The learning loop as people see it: a card holder reports a payment or has one held, an analyst decides it from the
/// review queue, and the card holder sees the outcome (refund or charge) in the history, on the payment and in the credit.
/// </summary>
public sealed class ReviewJourneyTests(BrowserHost host, HeldPaymentBrowserHost heldHost)
    : IClassFixture<BrowserHost>, IClassFixture<HeldPaymentBrowserHost>
{
    internal const decimal CreditLimit = 1000m;
    private readonly List<string> _consoleErrors = [];

    [Fact]
    public async Task CardHolder_ReportsPaymentAsNotMeAndAnalystConfirms_SeesRefundAndCreditRestored()
    {
        // Arrange: a card holder with one card, and an analyst
        var merchant = await Merchants.OrdinaryAsync(host.Factory);
        var analystEmail = await CreateAnalystAsync(host.Factory);
        var holderPage = await NewPageAsync(host);
        var analystPage = await NewPageAsync(host);
        var (cardId, last4) = await RegisterWithCardAsync(holderPage, host.Factory);

        // Act: the card holder pays an ordinary payment
        var id = await PayAsync(holderPage, merchant, "120.00");
        await holderPage.GetByRole(AriaRole.Heading, new() { Name = "Payment approved" }).WaitForAsync();
        Assert.Equal(CreditLimit - 120m, await AvailableOnDetailsAsync(holderPage));
        await Shot(holderPage, "review-01-payment-approved");

        // Act: opens the report form from the payment and says "not me"
        await holderPage.GetByRole(AriaRole.Link, new() { Name = "Report this payment" }).ClickAsync();
        await holderPage.AtAsync(new Regex("/Reports/New\\?transactionId=\\d+$"), "the report form");
        await holderPage.GetByRole(AriaRole.Radio, new() { Name = "Not me: I did not make this payment" }).CheckAsync();
        await holderPage.GetByRole(AriaRole.Textbox, new() { Name = "Reason" }).FillAsync("I have never shopped there and my card was with me.");
        await Shot(holderPage, "review-02-report-form");
        await holderPage.GetByRole(AriaRole.Button, new() { Name = "Send report" }).ClickAsync();
        await holderPage.AtAsync(new Regex("/Profile$"), "the profile after sending the report");
        await holderPage.GetByRole(AriaRole.Status).Filter(new() { HasText = "your report has been sent" }).WaitForAsync();
        Assert.Equal("You reported: not me (being reviewed)", await HistoryRow(holderPage, id).GetByTestId("report-status").InnerTextAsync());
        await Shot(holderPage, "review-03-report-sent");

        // Act: the analyst signs in, opens the queue, narrows it to the card's last 4 digits and takes the payment
        await SignInAsync(analystPage, host.Factory, analystEmail);
        await analystPage.GetByRole(AriaRole.Link, new() { Name = "Review queue", Exact = true }).ClickAsync();
        await analystPage.GetByLabel("Card's last 4 or merchant").FillAsync(last4);
        await analystPage.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await analystPage.AtAsync(new Regex($"/Review\\?.*Search={last4}"), "the filtered queue");
        var item = analystPage.Locator($"[data-testid=review-item][data-transaction-id='{id}']");
        await item.GetByRole(AriaRole.Button, new() { Name = "Assign to me" }).ClickAsync();
        await analystPage.GetByText($"Payment #{id} is assigned to you.").WaitForAsync();
        Assert.Equal("Assigned to you", await item.GetByTestId("assignee").InnerTextAsync());
        Assert.Contains($"Search={last4}", analystPage.Url, StringComparison.Ordinal);
        await Shot(analystPage, "review-04-queue");
        var itemText = await item.InnerTextAsync();
        Assert.Contains($"•••• {last4}", itemText, StringComparison.Ordinal);
        Assert.Contains("not me", itemText, StringComparison.Ordinal);
        Assert.True(await item.GetByRole(AriaRole.Listitem).CountAsync() >= 1, "The queue item shows no reasons for the score.");
        Assert.Equal(1, await analystPage.GetByRole(AriaRole.Region, new() { Name = "120.00 at" }).Filter(new() { HasText = last4 }).CountAsync()); // named by its heading

        // Act: confirms the card holder's claim; the button says what that does to a charged payment, and a refund is
        // asked once more (the browser's question, answered yes)
        var questions = new List<string>();
        analystPage.Dialog += async (_, dialog) =>
        {
            questions.Add(dialog.Message);
            await dialog.AcceptAsync();
        };
        await item.GetByRole(AriaRole.Button, new() { Name = "Mark as fraud and refund €120.00" }).ClickAsync();
        await DecidedAsync(analystPage, id, $"Payment #{id} marked as fraud; €120.00 credited back to the card.");
        Assert.Equal([$"Refund €120.00 to the card and mark payment #{id} as fraud? This decision is final."], questions);
        await Shot(analystPage, "review-05-decided");

        // Assert: the card holder sees the refund in the history, on the payment, and in the available credit
        await holderPage.GetByRole(AriaRole.Link, new() { Name = "My profile", Exact = true }).ClickAsync();
        await holderPage.AtAsync(new Regex("/Profile$"), "the profile");
        Assert.Contains("Refunded — confirmed fraud", await HistoryRow(holderPage, id).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Refunded — confirmed fraud", await holderPage.Locator($"#fraud-history tr[data-transaction-id='{id}']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("You reported: not me (confirmed)", await HistoryRow(holderPage, id).GetByTestId("report-status").InnerTextAsync());
        Assert.Equal(CreditLimit, await AvailableOnProfileAsync(holderPage, cardId));
        await Shot(holderPage, "review-06-profile-refunded");

        await HistoryRow(holderPage, id).GetByRole(AriaRole.Link).ClickAsync();
        await holderPage.AtAsync(new Regex($"/Transactions/Details/{id}$"), "the payment's page");
        await holderPage.GetByRole(AriaRole.Heading, new() { Name = "Refunded — confirmed fraud" }).WaitForAsync();
        Assert.Contains("120.00 back on your card", await holderPage.GetByTestId("refunded-on").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(CreditLimit, await AvailableOnDetailsAsync(holderPage));
        Assert.Equal(0, await holderPage.GetByRole(AriaRole.Link, new() { Name = "Report this payment" }).CountAsync());
        await Shot(holderPage, "review-07-details-refunded");
        Assert.True(_consoleErrors.Count == 0, string.Join(" | ", _consoleErrors));
    }

    [Fact]
    public async Task CardHolder_PaymentHeldAndAnalystClearsIt_SeesApprovedAfterReviewAndCharged()
    {
        // Arrange: the app's serving model holds every payment for review
        var factory = heldHost.Factory;
        heldHost.Risk.Probability = ControlledRiskModel.HeldProbability;
        var merchant = await Merchants.OrdinaryAsync(factory);
        var analystEmail = await CreateAnalystAsync(factory);
        var holderPage = await NewPageAsync(heldHost);
        var analystPage = await NewPageAsync(heldHost);
        var (cardId, _) = await RegisterWithCardAsync(holderPage, factory);

        // Act: the card holder pays; the payment is held and not charged
        var id = await PayAsync(holderPage, merchant, "300.00");
        await holderPage.GetByRole(AriaRole.Heading, new() { Name = "Held for review" }).WaitForAsync();
        Assert.Equal(CreditLimit, await AvailableOnDetailsAsync(holderPage));
        await Shot(holderPage, "review-11-payment-held");

        // Act: the analyst finds it in the queue (held, no report) and clears it, on a phone
        await SignInAsync(analystPage, factory, analystEmail);
        await analystPage.GetByRole(AriaRole.Link, new() { Name = "Review queue", Exact = true }).ClickAsync();
        var item = await QueueItemAsync(analystPage, id);
        Assert.Contains("Held for review", await item.InnerTextAsync(), StringComparison.Ordinal);
        await Shot(analystPage, "review-12-queue-held");
        await analystPage.SetViewportSizeAsync(390, 844); // the decision is reachable on a phone too
        await Shot(analystPage, "review-12-queue-held-phone");
        await item.GetByRole(AriaRole.Button, new() { Name = "Mark as legitimate and charge it" }).ClickAsync();
        await DecidedAsync(analystPage, id, $"Payment #{id} marked as legitimate and charged to the card.");

        // Assert: approved after review, charged to the card
        await holderPage.ReloadAsync();
        await holderPage.GetByRole(AriaRole.Heading, new() { Name = "Approved after review" }).WaitForAsync();
        Assert.Equal(CreditLimit - 300m, await AvailableOnDetailsAsync(holderPage));
        await Shot(holderPage, "review-13-details-approved");
        await holderPage.GetByRole(AriaRole.Link, new() { Name = "Back to my profile" }).ClickAsync();
        await holderPage.AtAsync(new Regex("/Profile$"), "the profile");
        Assert.Contains("Approved after review", await HistoryRow(holderPage, id).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(CreditLimit - 300m, await AvailableOnProfileAsync(holderPage, cardId));
        await Shot(holderPage, "review-14-profile-approved");
        var stored = await factory.TransactionAsync(id);
        Assert.Equal(ReviewSettlement.Charged, stored.Settlement);
        Assert.Equal(FraudLabel.Legitimate, stored.Label);
        Assert.True(_consoleErrors.Count == 0, string.Join(" | ", _consoleErrors));
    }

    [Fact]
    public async Task Analyst_WritesBacktestsAndEnablesRule_NextMatchingPaymentHeldWithRuleNamed()
    {
        // Arrange: the model would approve; an analyst and a card holder
        var factory = heldHost.Factory;
        var merchant = await Merchants.OrdinaryAsync(factory);
        var analystEmail = await CreateAnalystAsync(factory);
        var analystPage = await NewPageAsync(heldHost);
        var holderPage = await NewPageAsync(heldHost);
        await RegisterWithCardAsync(holderPage, factory);

        // Act: the analyst writes a rule, with a typo first
        await SignInAsync(analystPage, factory, analystEmail);
        await analystPage.GetByRole(AriaRole.Link, new() { Name = "Rules", Exact = true }).ClickAsync();
        await analystPage.GetByRole(AriaRole.Link, new() { Name = "Write a rule" }).ClickAsync();
        await analystPage.GetByLabel("Name").FillAsync("Exactly 432.10");
        await analystPage.GetByLabel("Review (hold for an analyst)").CheckAsync();
        await analystPage.GetByLabel("Condition").FillAsync("amount = 432.10 and risk_scor < 60");
        await analystPage.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        Assert.Equal("Position 21: 'risk_scor' is not a name rules know; did you mean risk_score?",
            (await analystPage.GetByTestId("expression-error").InnerTextAsync()).Trim());
        await Shot(analystPage, "rules-01-parse-error");
        await analystPage.GetByLabel("Condition").FillAsync("amount = 432.10 and risk_score < 60");
        await analystPage.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await analystPage.AtAsync(new Regex("/Rules/Details/\\d+$"), "the rule's page");
        Assert.True(await analystPage.GetByTestId("enable").IsDisabledAsync(), "A draft that was never backtested must not be enabled.");

        // Act: backtests it over 30 days, then enables it
        await analystPage.GetByLabel("Payments of the last").FillAsync("30");
        await analystPage.GetByRole(AriaRole.Button, new() { Name = "Backtest v1" }).ClickAsync();
        await analystPage.GetByTestId("backtest-result").WaitForAsync();
        Assert.True(int.Parse(await analystPage.GetByTestId("bt-evaluated").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("en-GB")) > 0);
        await Shot(analystPage, "rules-02-backtested");
        await analystPage.GetByRole(AriaRole.Button, new() { Name = "Enable v1" }).ClickAsync();
        await analystPage.GetByRole(AriaRole.Status).Filter(new() { HasText = "The rule is enabled" }).WaitForAsync();
        Assert.Equal("enabled", (await analystPage.GetByTestId("rule-status").InnerTextAsync()).Trim());

        // Act: the card holder pays that amount, which the model alone would approve
        heldHost.Risk.Probability = ControlledRiskModel.ApprovedProbability;
        long id;
        try
        {
            id = await PayAsync(holderPage, merchant, "432.10");
        }
        finally
        {
            heldHost.Risk.Probability = ControlledRiskModel.HeldProbability;
        }

        // Assert: held for review, and the analyst's queue names the rule
        await holderPage.GetByRole(AriaRole.Heading, new() { Name = "Held for review" }).WaitForAsync();
        Assert.DoesNotContain("Exactly 432.10", await holderPage.InnerTextAsync("body"), StringComparison.Ordinal);
        await analystPage.GetByRole(AriaRole.Link, new() { Name = "Review queue", Exact = true }).ClickAsync();
        var item = await QueueItemAsync(analystPage, id);
        Assert.Contains("'Exactly 432.10' (review) held this payment", await item.GetByTestId("decided-by").InnerTextAsync(), StringComparison.Ordinal);
        await Shot(analystPage, "rules-03-held-by-rule");
        Assert.True(_consoleErrors.Count == 0, string.Join(" | ", _consoleErrors));
    }

    private async Task<IPage> NewPageAsync(BrowserHost browserHost)
    {
        var page = await browserHost.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error") _consoleErrors.Add($"{message.Text} ({message.Location})");
        };
        return page;
    }

    /// <summary>An analyst account, made directly (the administration journey covers making one through the UI); its email.</summary>
    /// <summary>A staff account with a password and <paramref name="roles"/> (Analyst by default); its email.</summary>
    internal static async Task<string> CreateAnalystAsync(FraudWebFactory factory, params string[] roles)
    {
        var email = factory.NewEmail();
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedUtc = factory.Clock.UtcNow };
        Assert.True((await users.CreateAsync(user, FraudWebFactory.Password)).Succeeded);
        Assert.True((await users.AddToRolesAsync(user, roles.Length == 0 ? [Roles.Analyst] : roles)).Succeeded);
        return email;
    }

    /// <summary>Registers through the pages, confirms by the mailed link, signs in and adds a card (limit <see cref="CreditLimit"/>).</summary>
    internal static async Task<(long CardId, string Last4)> RegisterWithCardAsync(IPage page, FraudWebFactory factory)
    {
        var card = TestCards.NewVisa();
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Full name").FillAsync("Ada Lovelace");
        var email = factory.NewEmail();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Phone number").FillAsync("+44 20 7946 0000");
        await page.GetByLabel("Date of birth").FillAsync("1980-12-10");
        await page.GetByLabel("Address line 1", new() { Exact = true }).FillAsync("12 St James's Square");
        await page.GetByLabel("Town or city").FillAsync("London");
        await page.GetByLabel("Postcode").FillAsync("SW1Y 4JH");
        await page.GetByLabel("Country").FillAsync("United Kingdom");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(FraudWebFactory.Password);
        await page.GetByLabel("Confirm password").FillAsync(FraudWebFactory.Password);
        await page.GetByLabel(ConsentViewModel.Label).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await page.GetByTestId("register-confirmation").WaitForAsync();
        await page.GotoAsync(Mailbox.LinkTo(Mailbox.MessageTo(factory, email, "Confirm your FraudWeb account"), "/Account/ConfirmEmail"));
        await page.GetByTestId("confirm-email").ClickAsync();
        await page.GetByTestId("email-confirmed").WaitForAsync();
        await SignInAsync(page, factory, email);
        await page.AtAsync(new Regex("/Profile$"), "the profile after confirming and signing in");

        await page.GetByRole(AriaRole.Link, new() { Name = "Add a card" }).First.ClickAsync();
        await page.GetByLabel("Card number").FillAsync(card);
        await page.GetByLabel("Name on card").FillAsync("ADA LOVELACE");
        await page.GetByLabel("Expiry month").SelectOptionAsync("11");
        await page.GetByLabel("Expiry year").FillAsync((factory.Clock.UtcNow.Year + 4).ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Credit limit").SelectOptionAsync(CreditLimit.ToString("0", CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add card" }).ClickAsync();
        await page.AtAsync(new Regex("/Profile$"), "the profile after adding a card");
        var cardId = long.Parse((await page.Locator("[data-card-id]").GetAttributeAsync("data-card-id"))!, CultureInfo.InvariantCulture);
        return (cardId, card[^4..]);
    }

    /// <summary>Signs in through the login form, completing two-step sign-in (enrolling staff on first use).</summary>
    internal static async Task SignInAsync(IPage page, FraudWebFactory factory, string email)
    {
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(FraudWebFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.AwayFromAsync("/Account/Login");
        await BrowserMfa.CompleteAsync(page, factory, email);
    }

    /// <summary>Pays through the form with the one card; the new payment's id, from its result page.</summary>
    private static async Task<long> PayAsync(IPage page, long merchantId, string amount)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "New payment" }).First.ClickAsync();
        // Loaded first: typed before the page's search script ran, the search would never be sent (seen in CI).
        await page.AtAsync(new Regex("/Transactions/New$"));
        // The merchant is found by its number in the form's search, which refills the list without a page load.
        await page.GetByLabel("Find a merchant").FillAsync($"no. {merchantId.ToString(CultureInfo.InvariantCulture)}");
        await page.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(merchantId.ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Amount").FillAsync(amount);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        await page.AtAsync(new Regex("/Transactions/Details/\\d+$"), "the payment's result page");
        return long.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The queue item of a payment, following the queue's "Next" link as an analyst would.</summary>
    private static async Task<ILocator> QueueItemAsync(IPage page, long transactionId)
    {
        await page.AtAsync(new Regex("/Review(\\?Page=\\d+)?$"), "the review queue");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Review queue", Level = 1 }).WaitForAsync();
        for (var pageNumber = 1; pageNumber < 50; pageNumber++)
        {
            var item = page.Locator($"[data-testid=review-item][data-transaction-id='{transactionId}']");
            if (await item.CountAsync() == 1) return item;
            var next = page.Locator(".pagination .page-item:not(.disabled)").GetByRole(AriaRole.Link, new() { Name = "Next" });
            if (await next.CountAsync() == 0) break;
            await next.ClickAsync();
            await page.AtAsync(new Regex($"/Review\\?Page={pageNumber + 1}$"), $"page {pageNumber + 1} of the review queue");
        }
        await Shot(page, "failed-not-in-queue");
        throw new InvalidOperationException($"Payment {transactionId} is not in the review queue (the browser is at {page.Url}).");
    }

    /// <summary>Waits for the queue to come back after a decision saying what it did; the item has left it.</summary>
    private static async Task DecidedAsync(IPage page, long transactionId, string outcome)
    {
        await page.GetByRole(AriaRole.Status).Filter(new() { HasText = outcome }).WaitForAsync();
        Assert.Equal(0, await page.GetByTestId("review-error").CountAsync());
        Assert.Equal(0, await page.Locator($"[data-testid=review-item][data-transaction-id='{transactionId}']").CountAsync());
    }

    private static ILocator HistoryRow(IPage page, long transactionId) =>
        page.Locator($"#transactions tr[data-transaction-id='{transactionId}']");

    private static async Task<decimal> AvailableOnDetailsAsync(IPage page) =>
        decimal.Parse((await page.Locator("dt:text-is('Available credit now') + dd").InnerTextAsync()).Replace("€", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture);

    private static async Task<decimal> AvailableOnProfileAsync(IPage page, long cardId) =>
        decimal.Parse((await page.Locator($"[data-card-id='{cardId}'] [data-available]").GetAttributeAsync("data-available"))!, CultureInfo.InvariantCulture);

    private static async Task Shot(IPage page, string name) =>
        await RecordShots.SaveAsync(page, name);
}
