using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Data;
using FraudWeb.Tests.Browser.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Reports;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

/// <summary>
/// Every page (anonymous, half-way through signing in, card holder's, staff's; the review queue with a held and a
/// reported payment): at a phone's width (390 px) nothing is wider than the screen, in English and in Chinese; at
/// desktop width no serious accessibility violation, and in Chinese no English left behind.
/// </summary>
public sealed partial class ResponsiveLayoutTests(HeldPaymentBrowserHost host) : IClassFixture<HeldPaymentBrowserHost>
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

    /// <summary>The pages anyone may open (the invalid-link pages among them), by address.</summary>
    private static readonly string[] AnonymousUrls =
    [
        "/", "/Home/PrivacyNotice", "/Account/Login", "/Account/Register", "/Account/RegisterConfirmation", "/Account/ForgotPassword", "/Account/ForgotPasswordConfirmation",
        "/Account/ResetPassword?token=x", "/Account/ResetPassword", "/Account/ResetPasswordConfirmation",
        "/Account/AcceptInvitation?token=x", "/Account/AcceptInvitation", "/Account/ConfirmEmail?userId=x&token=x",
        "/Account/AccessDenied", "/Account/Lockout", "/Account/Mfa/SignIn",
    ];

    /// <summary>One page of the sweep: whose session it is in (anon, signing-in, holder, staff), what it is, how it is reached.</summary>
    /// <param name="OpenAsync">Opens the page; null when it came as expected, else what went wrong.</param>
    private sealed record Visit(string Session, IPage Page, string Name, Func<IPage, Task<string?>> OpenAsync);

    /// <summary>Every page of the sweep, and the card holder's page (for the verdict check).</summary>
    private sealed record Sweep(IReadOnlyList<Visit> Visits, IPage Holder)
    {
        public IEnumerable<IPage> Pages => Visits.Select(v => v.Page).Distinct();
    }

    /// <summary>A page reached by its address, answering <paramref name="status"/>.</summary>
    private static Visit Get(string session, IPage page, string url, int status = 200) => new(session, page, url, async p =>
    {
        var response = await p.GotoAsync(url);
        return response?.Status == status ? null : $"{url}: {response?.Status.ToString(CultureInfo.InvariantCulture) ?? "no response"}, not {status}";
    });

    /// <summary>A full-page screenshot kept with the test results, named by the pass, the session and the page.</summary>
    private static Task ShotAsync(Visit visit, string prefix)
    {
        var name = Regex.Replace(visit.Name, "[^A-Za-z0-9]+", "-").Trim('-');
        return RecordShots.SaveAsync(visit.Page, $"{prefix}-{visit.Session}-{(name.Length > 0 ? name : "home")}");
    }

    private static async Task<string?> OverflowAsync(Visit visit, string shotPrefix = "en-phone")
    {
        if (await visit.OpenAsync(visit.Page) is { } failure) return failure;
        await ShotAsync(visit, shotPrefix);
        var measured = await visit.Page.EvaluateAsync<string[]>(Overflow);
        var scrollWidth = int.Parse(measured[0], CultureInfo.InvariantCulture);
        return scrollWidth > PhoneWidth || measured[1].Length > 0 ? $"{visit.Name} ({visit.Session}): page {scrollWidth}px wide; {measured[1]}" : null;
    }

    /// <summary>Pays through the form (English: before any language is chosen) at the risk given; the payment's id.</summary>
    private async Task<string> PayAsync(IPage page, string merchant, string amount, double probability)
    {
        host.Risk.Probability = probability;
        try
        {
            await page.GotoAsync($"/Transactions/New?merchantSearch=no.+{merchant}");
            await page.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(merchant);
            await page.GetByLabel("Amount").FillAsync(amount);
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
            await page.AtAsync(new Regex("/Transactions/Details/\\d+$"));
        }
        finally
        {
            host.Risk.Probability = ControlledRiskModel.HeldProbability;
        }
        return page.Url[(page.Url.LastIndexOf('/') + 1)..];
    }

    /// <summary>
    /// Every page, each in the session that sees it, on pages of the given size: anonymous visitors; staff half-way
    /// through signing in (password given, second step asked); a card holder with a card, an approved payment, one
    /// reported as "not me" and one held for review; a member of staff who is analyst and administrator, with a draft
    /// rule, a list, and the held payment assigned to them (so the queue has both kinds of item and the audit log has
    /// entries). <paramref name="chinese"/>: then every session chooses Simplified Chinese (the footer's cookie).
    /// </summary>
    private async Task<Sweep> EveryPageAsync(int width, int height, bool chinese = false)
    {
        var factory = host.Factory;
        var holderPage = await host.NewPageAsync(width, height);
        var (cardId, last4) = await ReviewJourneyTests.RegisterWithCardAsync(holderPage, factory);
        var merchant = (await Merchants.OrdinaryAsync(factory)).ToString(CultureInfo.InvariantCulture);
        var paymentId = await PayAsync(holderPage, merchant, "23.40", ControlledRiskModel.ApprovedProbability);
        var reportedId = await PayAsync(holderPage, merchant, "19.80", ControlledRiskModel.ApprovedProbability);
        var heldId = await PayAsync(holderPage, merchant, "41.10", ControlledRiskModel.HeldProbability);
        await holderPage.GotoAsync($"/Reports/New?transactionId={reportedId}");
        await holderPage.Locator("#kind-notme").CheckAsync();
        await holderPage.Locator("#Reason").FillAsync("I did not make this payment; my card was with me.");
        await holderPage.GetByRole(AriaRole.Button, new() { Name = "Send report" }).ClickAsync();
        await holderPage.AtAsync(new Regex("/Profile$"));
        var holderId = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == cardId).Select(c => c.CardHolder!.UserId).SingleAsync());

        var staffEmail = await ReviewJourneyTests.CreateAnalystAsync(factory, Roles.Analyst, Roles.Admin);
        var staffPage = await host.NewPageAsync(width, height);
        await ReviewJourneyTests.SignInAsync(staffPage, factory, staffEmail);
        await staffPage.GotoAsync("/Rules/Create");
        await staffPage.GetByLabel("Name").FillAsync("Sweep " + last4);
        await staffPage.GetByLabel("Review (hold for an analyst)").CheckAsync();
        await staffPage.GetByLabel("Condition").FillAsync("amount = 9999.99");
        await staffPage.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await staffPage.AtAsync(new Regex("/Rules/Details/\\d+$"));
        var ruleId = staffPage.Url[(staffPage.Url.LastIndexOf('/') + 1)..];
        await staffPage.GotoAsync("/RuleLists/Create");
        await staffPage.Locator("#Name").FillAsync($"sweep_{last4}_{width}_{(chinese ? "zh" : "en")}");
        await staffPage.Locator("main form button[type=submit]").ClickAsync();
        await staffPage.AtAsync(new Regex("/RuleLists/Details/\\d+"));
        var listId = Regex.Match(staffPage.Url, "/RuleLists/Details/(\\d+)").Groups[1].Value;
        await staffPage.GotoAsync($"/Review?Search={last4}");
        var held = staffPage.Locator($"[data-testid=review-item][data-transaction-id='{heldId}']");
        await held.GetByTestId("assign").ClickAsync();
        await held.GetByTestId("release").WaitForAsync();
        Assert.Equal(1, await staffPage.Locator($"[data-testid=review-item][data-transaction-id='{reportedId}'][data-report-id]").CountAsync());
        await staffPage.GotoAsync("/AdminAudit");
        Assert.True(await staffPage.Locator("tr[data-audit-id]").CountAsync() > 0, "The audit log shows no entries.");

        var anonymous = await host.NewPageAsync(width, height);
        var signingIn = await host.NewPageAsync(width, height);
        if (chinese)
        {
            foreach (var page in new[] { anonymous, signingIn, holderPage, staffPage })
            {
                await page.Context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c%3Dzh-CN%7Cuic%3Dzh-CN", Url = host.BaseAddress.ToString() }]);
            }
        }

        // Password given, second step not yet: the page that asks for the code (by element ids: any language).
        async Task<string?> HalfSignedInAsync(IPage page)
        {
            await page.GotoAsync("/Account/Login");
            await page.Locator("#Email").FillAsync(staffEmail);
            await page.Locator("#Password").FillAsync(FraudWebFactory.Password);
            await page.Locator("main form button[type=submit]").ClickAsync();
            await page.Locator("#Code").WaitForAsync();
            return page.Url.Contains("/Account/Mfa/SignIn", StringComparison.Ordinal) ? null : $"signing in: at {page.Url}";
        }

        var visits = new List<Visit>();
        visits.AddRange(AnonymousUrls.Select(u => Get("anon", anonymous, u)));
        visits.Add(Get("anon", anonymous, "/Error/404", 404));
        visits.Add(Get("anon", anonymous, "/Error/500", 500));
        visits.Add(new Visit("signing-in", signingIn, "/Account/Mfa/SignIn", HalfSignedInAsync));
        visits.Add(new Visit("signing-in", signingIn, "/Account/Mfa/Recovery", async page =>
        {
            if (await HalfSignedInAsync(page) is { } failure) return failure;
            await page.GotoAsync("/Account/Mfa/Recovery");
            return await page.Locator("#RecoveryCode").CountAsync() == 1 ? null : "/Account/Mfa/Recovery: no recovery code field";
        }));
        visits.AddRange(new[]
        {
            "/", "/Profile", "/Profile/Edit", "/Transactions/New", $"/Transactions/Details/{paymentId}", $"/Transactions/Details/{heldId}",
            $"/Reports/New?transactionId={paymentId}", "/Cards/Add", $"/Cards/Details/{cardId}", "/ApiKeys", "/Account/ChangePassword", "/Account/Mfa", "/Staff",
            $"/Cards/Remove/{cardId}", $"/Cards/ReportLost/{cardId}", "/Privacy", "/Privacy/Close", "/Account/Settings", "/Account/ChangeEmail",
        }.Select(u => Get("holder", holderPage, u)));
        visits.Add(new Visit("holder", holderPage, "/Transactions/New (amount to confirm)", async page =>
        {
            await page.GotoAsync($"/Transactions/New?cardId={cardId}&merchantSearch=no.+{merchant}");
            await page.Locator("#TerminalId").SelectOptionAsync(merchant);
            await page.Locator("#Amount").FillAsync("5000.00");
            await page.GetByTestId("pay").ClickAsync();
            await page.GetByTestId("confirm-amount").WaitForAsync();
            return null;
        }));
        visits.Add(new Visit("holder", holderPage, "/Transactions/New (fraud check unavailable)", async page =>
        {
            await page.GotoAsync($"/Transactions/New?cardId={cardId}&merchantSearch=no.+{merchant}");
            await page.Locator("#TerminalId").SelectOptionAsync(merchant);
            await page.Locator("#Amount").FillAsync("12.00");
            host.Risk.Unavailable = true;
            try
            {
                var answer = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("pay").ClickAsync(), r => r.Request.Method == "POST");
                return answer.Status == 503 ? null : $"paying with no model serving: {answer.Status}";
            }
            finally
            {
                host.Risk.Unavailable = false;
            }
        }));
        visits.Add(new Visit("anon", anonymous, "/Account/ConfirmEmail (confirmed)", async page =>
        {
            // A new holder's own mailed link, opened in this session.
            var email = host.Factory.NewEmail();
            await using var scope = host.Factory.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email };
            var created = await users.CreateAsync(user, FraudWebFactory.Password);
            if (!created.Succeeded) return "creating the user: " + string.Join(", ", created.Errors.Select(e => e.Description));
            var token = await users.GenerateEmailConfirmationTokenAsync(user);
            // Encoded as the mail encodes it.
            var encoded = WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token));
            await page.GotoAsync($"/Account/ConfirmEmail?userId={Uri.EscapeDataString(user.Id)}&token={encoded}");
            // The link's page asks; its button confirms.
            if (await page.GetByTestId("confirm-email").CountAsync() != 1) return "/Account/ConfirmEmail: no button to confirm";
            await page.GetByTestId("confirm-email").ClickAsync();
            return await page.GetByTestId("email-confirmed").CountAsync() == 1 ? null : "/Account/ConfirmEmail: not confirmed";
        }));
        visits.Add(new Visit("anon", anonymous, "/Account/ResetPassword (finishing a registration)", async page =>
        {
            // A registration never confirmed, from a reset link: its page asks for the details too.
            var email = host.Factory.NewEmail();
            await using var scope = host.Factory.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email };
            var created = await users.CreateAsync(user, FraudWebFactory.Password);
            if (!created.Succeeded) return "creating the user: " + string.Join(", ", created.Errors.Select(e => e.Description));
            var encoded = WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
            await page.GotoAsync($"/Account/ResetPassword?token={encoded}");
            return await page.GetByTestId("finish-registration").CountAsync() == 1 ? null : "/Account/ResetPassword: a registration to finish, and no details asked";
        }));
        visits.Add(new Visit("holder", holderPage, "/ApiKeys/Created", async page =>
        {
            await page.GotoAsync("/ApiKeys");
            await page.Locator("input[name=Name]").FillAsync("Sweep key");
            await page.Locator("input[name=Scopes]").First.CheckAsync();
            await page.Locator("form[action$='/ApiKeys/Create'] button[type=submit]").ClickAsync();
            await page.GetByTestId("new-api-key").WaitForAsync();
            return null;
        }));
        visits.AddRange(new[]
        {
            "/Staff", "/Review", $"/Review?Search={last4}", "/Rules", "/Rules/Create", $"/Rules/Details/{ruleId}", $"/Rules/Edit/{ruleId}", "/RuleLists/Create",
            $"/RuleLists/Details/{listId}", "/Models", "/AdminUsers", $"/AdminUsers/Details/{holderId}", $"/AdminUsers/Edit/{holderId}",
            $"/AdminUsers/Delete/{holderId}", "/AdminUsers/Invite", "/AdminUsers/Create", "/AdminRoles", "/AdminAudit", "/AdminApiKeys", "/CardLookup",
        }.Select(u => Get("staff", staffPage, u)));
        var holderEmail = await factory.QueryAsync(db => db.Users.Where(u => u.Id == holderId).Select(u => u.Email!).SingleAsync());
        visits.Add(new Visit("staff", staffPage, "/CardLookup (a holder's cards)", async page =>
        {
            await page.GotoAsync("/CardLookup");
            await page.Locator("#ByEmail_Email").FillAsync(holderEmail);
            await page.Locator("form[action$='/CardLookup/ByEmail'] button[type=submit]").ClickAsync();
            await page.GetByTestId("lookup-card").First.WaitForAsync();
            return null;
        }));
        // Last, as it changes the holder's sign-in: turning on two-step sign-in shows the recovery codes once.
        visits.Add(new Visit("holder", holderPage, "/Account/Mfa/Enable (recovery codes)", async page =>
        {
            await page.GotoAsync("/Account/Mfa");
            // Opened again (the next width): turned off first, so the codes are shown again.
            if (await page.GetByTestId("mfa-status").CountAsync() == 1)
            {
                // Turning it off is asked once more: yes.
                EventHandler<IDialog> accept = async (_, dialog) => await dialog.AcceptAsync();
                page.Dialog += accept;
                await page.Locator("#Disable_CurrentPassword").FillAsync(FraudWebFactory.Password);
                await page.Locator("form[action$='/Account/Mfa/Disable'] button[type=submit]").ClickAsync();
                await page.GetByTestId("mfa-key").WaitForAsync();
                page.Dialog -= accept;
            }
            var key = await page.GetByTestId("mfa-key").TextContentAsync();
            if (string.IsNullOrWhiteSpace(key)) return "/Account/Mfa: no key to enrol";
            await page.Locator("#Form_Code").FillAsync(MfaSteps.CodeFor(key));
            await page.Locator("form[action$='/Account/Mfa/Enable'] button[type=submit]").ClickAsync();
            await page.GetByTestId("recovery-codes").WaitForAsync();
            return null;
        }));
        return new Sweep(visits, holderPage);
    }

    /// <summary>
    /// axe-core's serious and critical violations on the page as it is now, one line each, and its moderate landmark and
    /// heading-order ones (a screen reader's list of regions and headings: two unnamed "search" regions went unseen).
    /// </summary>
    private static async Task<IEnumerable<string>> AccessibilityViolationsAsync(IPage page, string url)
    {
        // axe.run in the page itself: RunAxe's default mode opens a new browser context for every run to merge its
        // per-frame results (about 1.3 s against 0.3 s a page; the same violations and passes on all 56 pages swept then). It
        // does not look inside frames, and the app has none: a page that gains one fails here.
        var frames = await page.Locator("iframe, frame").CountAsync();
        if (frames > 0) return [$"{url}: {frames} frame(s), which in-page axe does not check; use RunAxe's default mode"];
        // Violations only: axe's passes and inapplicable lists are most of its result and of its time.
#pragma warning disable CS0618 // Legacy mode: kept for pages without frames, which this checks above.
        var result = await page.RunAxeLegacy(options: new AxeRunOptions { ResultTypes = [ResultType.Violations] });
#pragma warning restore CS0618
        return result.Violations.Where(v => v.Impact is "serious" or "critical" || v.Id.StartsWith("landmark-", StringComparison.Ordinal) || v.Id == "heading-order")
            .Select(v => $"{url}: {v.Id} ({v.Impact}) {v.Help}: {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target.ToString()))}");
    }

    [Fact]
    public async Task EveryPage_PhoneWidth_NothingWiderThanTheScreen()
    {
        // Arrange
        var sweep = await EveryPageAsync(PhoneWidth, 844);

        // Act
        var failures = new List<string>();
        foreach (var visit in sweep.Visits)
        {
            // axe runs at desktop width (below): the same markup, and twice the runs would add a minute to every test run.
            if (await OverflowAsync(visit) is { } failure) failures.Add(failure);
        }
        await sweep.Holder.GotoAsync("/Profile");
        var verdict = await sweep.Holder.Locator("#transactions td[data-label=Verdict]").First.BoundingBoxAsync();

        // Assert: the payment's verdict is on the screen, not pushed off it
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.NotNull(verdict);
        Assert.True(verdict.X >= 0 && verdict.X + verdict.Width <= PhoneWidth, $"The verdict is at {verdict.X}-{verdict.X + verdict.Width}px.");
    }

    [Fact]
    public async Task EveryPage_Desktop_NoSeriousAccessibilityViolations()
    {
        // Arrange
        var sweep = await EveryPageAsync(1280, 900);

        // Act
        var failures = new List<string>();
        foreach (var visit in sweep.Visits)
        {
            if (await visit.OpenAsync(visit.Page) is { } failure)
            {
                failures.Add(failure);
                continue;
            }
            await ShotAsync(visit, "en-desktop");
            failures.AddRange(await AccessibilityViolationsAsync(visit.Page, $"{visit.Name} ({visit.Session})"));
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
        var sweep = await EveryPageAsync(1280, 900, chinese: true);

        // Act: at desktop width, what is still English; at phone width, what sticks out (Chinese sets differently)
        var english = new List<string>();
        foreach (var visit in sweep.Visits)
        {
            if (await visit.OpenAsync(visit.Page) is { } failure)
            {
                english.Add(failure);
                continue;
            }
            Assert.Equal("zh-CN", await visit.Page.Locator("html").GetAttributeAsync("lang"));
            await ShotAsync(visit, "zh-desktop");
            english.AddRange((await visit.Page.EvaluateAsync<string[]>(InterfaceTexts)).Where(IsEnglishLeftBehind).Select(t => $"{visit.Name} ({visit.Session}): \"{t}\""));
        }
        var overflow = new List<string>();
        foreach (var page in sweep.Pages) await page.SetViewportSizeAsync(PhoneWidth, 844);
        foreach (var visit in sweep.Visits)
        {
            if (await OverflowAsync(visit, "zh-phone") is { } failure) overflow.Add(failure);
        }

        // Assert
        Assert.True(english.Count == 0, "English left on Chinese pages:" + Environment.NewLine + string.Join(Environment.NewLine, english.Distinct()));
        Assert.True(overflow.Count == 0, string.Join(Environment.NewLine, overflow));
    }

    [Theory]
    [InlineData(600)]
    [InlineData(640)]
    [InlineData(720)]
    public async Task StaffTablePages_200PercentZoomWidths_NoSidewaysScroll(int width)
    {
        // Arrange (accessibility test: at 1280 px and 200% zoom the models page was 782 px wide in a 640 px window: the
        // versions table's visually hidden heading escaped its scroller; Bootstrap's stacking starts below 576 px)
        var staffEmail = await ReviewJourneyTests.CreateAnalystAsync(host.Factory, Roles.Analyst, Roles.Admin);
        var page = await host.NewPageAsync(width, 900);
        await ReviewJourneyTests.SignInAsync(page, host.Factory, staffEmail);

        // Act
        var failures = new List<string>();
        foreach (var url in new[] { "/Models", "/Review", "/Audit", "/AdminUsers", "/Rules", "/AdminApiKeys" })
        {
            await page.GotoAsync(url);
            var measured = await page.EvaluateAsync<string[]>(Overflow);
            if (int.Parse(measured[0], CultureInfo.InvariantCulture) > width || measured[1].Length > 0) failures.Add($"{url}: page {measured[0]}px wide; {measured[1]}");
        }

        // Assert
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
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
        await RecordShots.SaveAsync(page, "07-phone-menu");
        Assert.True(await signIn.IsVisibleAsync());
        Assert.Empty(errors);
    }
}
