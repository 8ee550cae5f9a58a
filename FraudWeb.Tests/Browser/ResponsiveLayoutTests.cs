using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Data;
using FraudWeb.Tests.Browser.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

/// <summary>Every page at a phone's width (390 px): the menu folds, and nothing is wider than the screen.</summary>
public sealed partial class ResponsiveLayoutTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const int PhoneWidth = 390;

    /// <summary>
    /// What sticks out past the right edge of the screen (except inside a container that scrolls or clips on
    /// purpose), and how wide the page is.
    /// </summary>
    private const string Overflow = """
        () => {
          const width = document.documentElement.clientWidth;
          const offenders = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || r.right <= width + 1) continue;
            let p = el.parentElement, contained = false;
            while (p && p !== document.body) { if (getComputedStyle(p).overflowX !== 'visible') { contained = true; break; } p = p.parentElement; }
            if (contained || getComputedStyle(el).visibility === 'hidden') continue;
            const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
            offenders.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls + ' to ' + Math.round(r.right) + 'px');
          }
          return [document.documentElement.scrollWidth, offenders.slice(0, 4).join('; ')];
        }
        """;

    /// <summary>A full-page screenshot kept with the test results, named by the page's address.</summary>
    private static async Task ShotAsync(IPage page, string prefix) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, prefix + Regex.Replace(new Uri(page.Url).PathAndQuery, "[^A-Za-z0-9]+", "-") + ".png"), FullPage = true });

    private static async Task<string?> OverflowAsync(IPage page, string url, string shotPrefix = "en-phone")
    {
        var response = await page.GotoAsync(url);
        if (response is null || !response.Ok) return $"{url}: {(response?.Status.ToString(CultureInfo.InvariantCulture) ?? "no response")}";
        await ShotAsync(page, shotPrefix);
        var measured = await page.EvaluateAsync<string[]>(Overflow);
        var scrollWidth = int.Parse(measured[0], CultureInfo.InvariantCulture);
        return scrollWidth > PhoneWidth || measured[1].Length > 0 ? $"{url}: page {scrollWidth}px wide; {measured[1]}" : null;
    }

    /// <summary>
    /// A card holder with a card and a payment, and a member of staff who is analyst and administrator, each signed in
    /// on a page of the given size; with every page each of them uses.
    /// </summary>
    private async Task<(IPage Holder, string[] HolderUrls, IPage Staff, string[] StaffUrls)> EveryPageAsync(int width, int height)
    {
        var holderPage = await host.NewPageAsync(width, height);
        var (cardId, _) = await ReviewJourneyTests.RegisterWithCardAsync(holderPage, host.Factory);
        var merchant = (await Merchants.OrdinaryAsync(host.Factory)).ToString(CultureInfo.InvariantCulture);
        await holderPage.GotoAsync($"/Transactions/New?merchantSearch=no.+{merchant}");
        await holderPage.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(merchant);
        await holderPage.GetByLabel("Amount").FillAsync("23.40");
        await holderPage.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        await holderPage.WaitForURLAsync(new Regex("/Transactions/Details/\\d+$"));
        var paymentId = holderPage.Url[(holderPage.Url.LastIndexOf('/') + 1)..];
        var holderId = await host.Factory.QueryAsync(db => db.Cards.Where(c => c.Id == cardId).Select(c => c.CardHolder!.UserId).SingleAsync());
        var staffEmail = await ReviewJourneyTests.CreateAnalystAsync(host.Factory, Roles.Analyst, Roles.Admin);
        var staffPage = await host.NewPageAsync(width, height);
        await ReviewJourneyTests.SignInAsync(staffPage, host.Factory, staffEmail);
        string[] holderUrls = ["/", "/Profile", "/Profile/Edit", "/Transactions/New", $"/Transactions/Details/{paymentId}", $"/Reports/New?transactionId={paymentId}",
            "/Cards/Add", $"/Cards/Details/{cardId}", "/ApiKeys", "/Account/ChangePassword", "/Account/Mfa"];
        string[] staffUrls = ["/Staff", "/Review", "/Rules", "/Rules/Create", "/RuleLists/Create", "/Models", "/AdminUsers", $"/AdminUsers/Details/{holderId}",
            $"/AdminUsers/Edit/{holderId}", "/AdminUsers/Invite", "/AdminUsers/Create", "/AdminRoles", "/AdminAudit", "/AdminApiKeys"];
        return (holderPage, holderUrls, staffPage, staffUrls);
    }

    /// <summary>axe-core's serious and critical violations on the page as it is now, one line each.</summary>
    private static async Task<IEnumerable<string>> AccessibilityViolationsAsync(IPage page, string url)
    {
        // Violations only: axe's passes and inapplicable lists are most of its result and of its time.
        var result = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{url}: {v.Id} ({v.Impact}) {v.Help}: {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target.ToString()))}");
    }

    [Fact]
    public async Task EveryPage_PhoneWidth_NothingWiderThanTheScreen()
    {
        // Arrange
        var (holderPage, holderUrls, staffPage, staffUrls) = await EveryPageAsync(PhoneWidth, 844);

        // Act
        var failures = new List<string>();
        foreach (var (page, url) in holderUrls.Select(u => (holderPage, u)).Concat(staffUrls.Select(u => (staffPage, u))))
        {
            // axe runs at desktop width (below): the same markup, and twice the runs would add a minute to every test run.
            if (await OverflowAsync(page, url) is { } failure) failures.Add(failure);
        }
        await holderPage.GotoAsync("/Profile");
        var verdict = await holderPage.Locator("#transactions td[data-label=Verdict]").First.BoundingBoxAsync();

        // Assert: the payment's verdict is on the screen, not pushed off it
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.NotNull(verdict);
        Assert.True(verdict.X >= 0 && verdict.X + verdict.Width <= PhoneWidth, $"The verdict is at {verdict.X}-{verdict.X + verdict.Width}px.");
    }

    [Fact]
    public async Task EveryPage_Desktop_NoSeriousAccessibilityViolations()
    {
        // Arrange
        var (holderPage, holderUrls, staffPage, staffUrls) = await EveryPageAsync(1280, 900);
        var anonymous = await host.NewPageAsync();
        string[] anonymousUrls = ["/", "/Account/Login", "/Account/Register", "/Account/ForgotPassword"];

        // Act
        var failures = new List<string>();
        foreach (var (page, url) in anonymousUrls.Select(u => (anonymous, u)).Concat(holderUrls.Select(u => (holderPage, u))).Concat(staffUrls.Select(u => (staffPage, u))))
        {
            await page.GotoAsync(url);
            await ShotAsync(page, "en-desktop");
            failures.AddRange(await AccessibilityViolationsAsync(page, url));
        }

        // Assert
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// The words people read and act on: headings, labels, buttons, links of the menu, column headings, legends. A text
    /// of these with Latin letters and no Chinese is English left behind, unless it is a name or code that stays as is
    /// (code, kbd and samp elements are code).
    /// </summary>
    private const string InterfaceTexts = """
        () => [...document.querySelectorAll('h1, h2, h3, h4, label, button, th, legend, .nav-link, .btn, .form-text, .badge')]
          .filter(el => el.offsetParent !== null && !el.closest('[lang]:not(html)'))
          .map(el => { const c = el.cloneNode(true); c.querySelectorAll('code, kbd, samp').forEach(k => k.remove()); return c.textContent.replace(/\s+/g, ' ').trim(); })
          .filter(t => t.length > 0)
        """;

    /// <summary>What stays as written in any language: the product, acronyms, brands, codes and identifiers, e-mails, numbers.</summary>
    [GeneratedRegex(@"FraudWeb|Bootstrap|Visa|Mastercard|American Express|Amex|Discover|[\w.+-]+@[\w.-]+|\b[A-Z0-9]{2,}s?\b|\b[a-z]+[._:][a-z0-9_.:]+\b|\bv\d+\b|[\d€$%.,:/+×x·\-–()#•*]+|\s+")]
    private static partial Regex KeptAsWritten();

    private static bool IsEnglishLeftBehind(string text) =>
        !text.Any(c => c is >= '\u4e00' and <= '\u9fff') && KeptAsWritten().Replace(text, "").Count(char.IsAsciiLetter) >= 2;

    [Fact]
    public async Task EveryPage_Chinese_InterfaceInChineseAtBothWidths()
    {
        // Arrange: the same people and pages, then the footer's choice of Simplified Chinese (its cookie)
        var (holderPage, holderUrls, staffPage, staffUrls) = await EveryPageAsync(1280, 900);
        var anonymous = await host.NewPageAsync(locale: "zh-CN");
        string[] anonymousUrls = ["/", "/Account/Login", "/Account/Register", "/Account/ForgotPassword"];
        foreach (var page in new[] { holderPage, staffPage })
        {
            await page.Context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c%3Dzh-CN%7Cuic%3Dzh-CN", Url = host.BaseAddress.ToString() }]);
        }
        var visits = anonymousUrls.Select(u => (Page: anonymous, Url: u)).Concat(holderUrls.Select(u => (holderPage, u))).Concat(staffUrls.Select(u => (staffPage, u))).ToList();

        // Act: at desktop width, what is still English; at phone width, what sticks out (Chinese sets differently)
        var english = new List<string>();
        foreach (var (page, url) in visits)
        {
            await page.GotoAsync(url);
            Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
            await ShotAsync(page, "zh-desktop");
            english.AddRange((await page.EvaluateAsync<string[]>(InterfaceTexts)).Where(IsEnglishLeftBehind).Select(t => $"{url}: \"{t}\""));
        }
        var overflow = new List<string>();
        foreach (var page in new[] { anonymous, holderPage, staffPage }) await page.SetViewportSizeAsync(PhoneWidth, 844);
        foreach (var (page, url) in visits)
        {
            if (await OverflowAsync(page, url, "zh-phone") is { } failure) overflow.Add(failure);
        }

        // Assert
        Assert.True(english.Count == 0, "English left on Chinese pages:" + Environment.NewLine + string.Join(Environment.NewLine, english.Distinct()));
        Assert.True(overflow.Count == 0, string.Join(Environment.NewLine, overflow));
    }

    [Fact]
    public async Task Welcome_PhoneViewport_MenuCollapsesAndOpens()
    {
        // Arrange
        var page = await host.NewPageAsync(390, 844);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error") errors.Add(message.Text);
        };
        await page.GotoAsync("/");
        var signIn = page.Locator("#mainNav").GetByRole(AriaRole.Link, new() { Name = "Sign in" });
        Assert.False(await signIn.IsVisibleAsync());

        // Act
        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await signIn.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        await page.Locator("#mainNav.collapse.show").WaitForAsync(); // the opening animation has finished

        // Assert
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "07-phone-menu.png"), FullPage = true });
        Assert.True(await signIn.IsVisibleAsync());
        Assert.Empty(errors);
    }
}
