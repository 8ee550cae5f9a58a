using FraudWeb.ViewModels.Account;
using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Scoring;
using FraudWeb.Tests.Browser.Infrastructure;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

/// <summary>
/// A card holder whose browser speaks Chinese and lives in Shanghai: registers, adds a card and pays with the Chinese
/// pages, reads the verdict and its reasons in Chinese at Shanghai's time, then switches the site to English.
/// </summary>
public sealed class ChineseJourneyTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private static string Zh(string english) => Chinese.Of(english);

    private static async Task Shot(IPage page, string name) =>
        await RecordShots.SaveAsync(page, name);

    [Fact]
    public async Task CardHolder_ChineseBrowser_RegistersPaysAndReadsTheVerdictInChinese()
    {
        // Arrange
        var page = await host.NewPageAsync(locale: "zh-CN", timeZone: "Asia/Shanghai");
        var email = host.Factory.NewEmail();
        var merchant = (await Merchants.OrdinaryAsync(host.Factory)).ToString(CultureInfo.InvariantCulture);
        var card = TestCards.NewVisa();

        // Act: register with the Chinese form
        await page.GotoAsync("/Account/Register");
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        await page.GetByLabel(Zh("Full name")).FillAsync("李华");
        await page.GetByLabel(Zh("Email"), new() { Exact = true }).FillAsync(email);
        await page.GetByLabel(Zh("Phone number")).FillAsync("+86 21 5555 0100");
        await page.GetByLabel(Zh("Date of birth")).FillAsync("1990-05-04");
        await page.GetByLabel(Zh("Address line 1"), new() { Exact = true }).FillAsync("人民大道 200 号");
        await page.GetByLabel(Zh("Town or city")).FillAsync("上海");
        await page.GetByLabel(Zh("Postcode")).FillAsync("200003");
        await page.GetByLabel(Zh("Country")).FillAsync("中国");
        await page.GetByLabel(Zh("Password"), new() { Exact = true }).FillAsync(FraudWebFactory.Password);
        await page.GetByLabel(Zh("Confirm password")).FillAsync(FraudWebFactory.Password);
        await page.GetByLabel(Zh(ConsentViewModel.Label)).CheckAsync();
        await Shot(page, "zh-01-register");
        await page.GetByRole(AriaRole.Button, new() { Name = Zh("Create my account") }).ClickAsync();
        await page.GetByTestId("register-confirmation").WaitForAsync();

        // Act: confirm, sign in, add a card, pay
        await page.GotoAsync(Mailbox.LinkTo(Mailbox.MessageTo(host.Factory, email, "FraudWeb"), "/Account/ConfirmEmail"));
        await page.GetByRole(AriaRole.Button, new() { Name = Zh("Confirm my email address") }).ClickAsync();
        await page.GetByTestId("email-confirmed").WaitForAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel(Zh("Email"), new() { Exact = true }).FillAsync(email);
        await page.GetByLabel(Zh("Password"), new() { Exact = true }).FillAsync(FraudWebFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = Zh("Sign in"), Exact = true }).ClickAsync();
        await page.AtAsync(new Regex("/Profile$"));
        await page.GotoAsync("/Cards/Add");
        await page.GetByLabel(Zh("Card number")).FillAsync(card);
        await page.GetByLabel(Zh("Name on card")).FillAsync("LI HUA");
        await page.GetByLabel(Zh("Expiry month")).SelectOptionAsync("11");
        await page.GetByLabel(Zh("Expiry year")).FillAsync((host.Factory.Clock.UtcNow.Year + 4).ToString(CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = Zh("Add card") }).ClickAsync();
        await page.AtAsync(new Regex("/Profile$"));
        await page.GotoAsync($"/Transactions/New?merchantSearch=no.+{merchant}");
        await page.GetByLabel(Zh("Merchant"), new() { Exact = true }).SelectOptionAsync(merchant);
        await page.GetByLabel(Zh("Amount (EUR)"), new() { Exact = true }).FillAsync("23.40");
        await Shot(page, "zh-02-new-payment");
        await page.GetByRole(AriaRole.Button, new() { Name = Zh("Pay"), Exact = true }).ClickAsync();
        await page.AtAsync(new Regex("/Transactions/Details/\\d+$"));
        await Shot(page, "zh-03-verdict");
        var id = long.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
        var stored = await host.Factory.TransactionAsync(id);
        var reasons = await page.Locator("ul.reasons li").AllInnerTextsAsync();
        var details = await page.Locator("main dl").InnerTextAsync();

        // Act: the footer's switcher
        await page.GetByTestId("language-switcher").GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await page.AtAsync(new Regex($"/Transactions/Details/{id}$"));
        var englishReasons = await page.Locator("ul.reasons li").AllInnerTextsAsync();

        // Assert: the verdict's reasons are the stored ones, in Chinese; the time is Shanghai's, written the Chinese way
        var expectedReasons = TransactionScorer.ReadReasons(stored.Verdict!.ReasonsJson);
        var shanghai = LocalTime.In(LocalTime.Find("Asia/Shanghai"));
        string expectedTime;
        List<string> expectedChinese;
        using (CultureScope.Use(Chinese.Culture))
        {
            expectedTime = shanghai.FormatSeconds(stored.TimestampUtc);
            expectedChinese = expectedReasons.Select(ReasonPhrases.Localized).ToList();
        }
        Assert.Equal(expectedChinese.Order(StringComparer.Ordinal), reasons.Order(StringComparer.Ordinal));
        Assert.All(reasons, r => Assert.Contains(r, c => c is >= '\u4e00' and <= '\u9fff'));
        Assert.Contains(expectedTime, details, StringComparison.Ordinal);
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(expectedReasons.Select(r => r.Text).Order(StringComparer.Ordinal), englishReasons.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Register_NameOfRareCharacters_BrowserCountsCharactersAsTheServerDoes()
    {
        // Arrange: U+20BB7 is one character of a Chinese name and two UTF-16 units; jQuery Validation's own length
        // rule counted units, so 100 of them were "too long" in the browser and fine on the server.
        var page = await host.NewPageAsync(1280, 900, locale: "zh-CN");
        await page.GotoAsync("/Account/Register");
        var create = page.GetByRole(AriaRole.Button, new() { Name = Zh("Create my account") });
        var message = page.Locator("[data-valmsg-for=FullName]");

        // Act
        var hundred = string.Concat(Enumerable.Repeat("\U00020BB7", 100));
        await page.Locator("#FullName").FillAsync(hundred);
        await create.ClickAsync();
        await page.Locator("[data-valmsg-for=Country].field-validation-error").WaitForAsync();
        var kept = await page.Locator("#FullName").InputValueAsync();
        var atTheLimit = await message.InnerTextAsync();
        await page.Locator("#FullName").FillAsync(new string('王', 101));
        await page.Locator("#FullName").BlurAsync();
        await page.Locator("[data-valmsg-for=FullName].field-validation-error").WaitForAsync();

        // Assert: the hundred kept whole (the browser's maxlength counts units too) and not called too long; 101
        // characters are.
        Assert.Equal(hundred, kept);
        Assert.Equal("", atTheLimit.Trim());
        Assert.Equal(Zh("Your name must be 2 to 100 characters."), await message.InnerTextAsync());
    }

    /// <summary>
    /// UI finding 7 on a phone in Chinese: the fields with the longest messages (a too-short name, country and
    /// password) and the empty ones all show their message; fixing them one by one never moves the submit button, so a
    /// single press then creates the account.
    /// </summary>
    [Fact]
    public async Task Register_PhoneInChineseFixingEachInvalidField_ButtonStaysAndOneClickSubmits()
    {
        // Arrange: 390 px wide, the Chinese form, three fields too short and the rest empty, submitted once
        var page = await host.NewPageAsync(390, 844, locale: "zh-CN");
        await page.GotoAsync("/Account/Register");
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        var create = page.GetByRole(AriaRole.Button, new() { Name = Zh("Create my account") });
        await page.Locator("#FullName").PressSequentiallyAsync("李");
        await page.Locator("#Country").PressSequentiallyAsync("中");
        await page.Locator("#Password").PressSequentiallyAsync("short");
        await create.ClickAsync();
        await page.Locator("[data-valmsg-for=ConfirmPassword].field-validation-error").WaitForAsync();
        Assert.Equal(Zh("Your name must be 2 to 100 characters."), await page.Locator("[data-valmsg-for=FullName]").InnerTextAsync());
        Assert.Equal(Zh("The password must be 12 to 128 characters."), await page.Locator("[data-valmsg-for=Password]").InnerTextAsync());
        await Shot(page, "zh-phone-register-invalid");
        var before = await TopInPageAsync(create);
        (string Field, string Value)[] fixes =
        [
            ("FullName", "李华"), ("PhoneNumber", "+86 21 5555 0100"), ("DateOfBirth", "1990-05-04"), ("AddressLine1", "人民大道 200 号"),
            ("City", "上海"), ("Postcode", "200003"), ("Country", "中国"), ("Email", host.Factory.NewEmail()),
            ("Password", FraudWebFactory.Password), ("ConfirmPassword", FraudWebFactory.Password),
        ];
        var moves = new List<string>();

        // Act: each field is fixed and left (a date input keeps Tab for its own parts, so it is left by blurring)
        foreach (var (field, value) in fixes)
        {
            var input = page.Locator("#" + field);
            await input.FillAsync(value);
            if (field == "DateOfBirth") await input.BlurAsync();
            else await input.PressAsync("Tab");
            await page.Locator($"[data-valmsg-for={field}].field-validation-valid").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            var top = await TopInPageAsync(create);
            if (Math.Abs(top - before) > 0.5) moves.Add($"{field}: {before} -> {top}");
        }
        await page.Locator("#SensitiveDataConsent").CheckAsync();
        await create.ClickAsync();

        // Assert
        Assert.Empty(moves);
        await page.GetByTestId("register-confirmation").WaitForAsync();
    }

    /// <summary>Where the element is in the page (not the viewport: leaving a field may scroll).</summary>
    private static Task<double> TopInPageAsync(ILocator element) =>
        element.EvaluateAsync<double>("e => e.getBoundingClientRect().top + window.scrollY");
}
