using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Localization;

/// <summary>The pages speak English or Simplified Chinese: the browser's Accept-Language by default, the footer's choice once made.</summary>
[Collection(WebTestGroup.Name)]
public sealed class LanguageTests(FraudWebFactory factory)
{
    private HttpClient Client(string? acceptLanguage = null, string? cookie = null)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = cookie is null, BaseAddress = FraudWebFactory.HttpsBaseAddress });
        if (acceptLanguage is not null) client.DefaultRequestHeaders.Add("Accept-Language", acceptLanguage);
        if (cookie is not null) client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private static string RegisterLink(IHtmlDocument page) => page.QuerySelector("nav a[href='/Account/Register']")!.TextContent.Trim();

    [Fact]
    public async Task Profile_Chinese_AddressJoinedWithChineseCommas()
    {
        // Arrange (exploratory testing: "路1号, 上海, 200000, 中国", the English comma in a Chinese page)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await Html.SubmitAsync(holder.Client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/Profile")], formPage: "/Profile");

        // Act
        var page = await Html.GetPageAsync(holder.Client, "/Profile");

        // Assert
        var address = page.QuerySelector("[data-testid=address]")!.TextContent.Trim();
        Assert.Equal("zh-CN", page.DocumentElement.GetAttribute("lang"));
        Assert.Contains("12 Analytical Street，London，NW1 6XE", address, StringComparison.Ordinal);
        Assert.DoesNotContain(", ", address, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Card_ChineseUnionPayHolder_BrandNamed银联OnPagesMessagesAndMail()
    {
        // Arrange (exploratory testing: a Chinese page said "UnionPay •••• 0005", the brand's English name)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await Html.SubmitAsync(holder.Client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/Profile")], formPage: "/Profile");
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(new CardFormBuilder().WithNumber("6200 0000 0000 0005"))).StatusCode);
        var card = (await holder.CardIdsAsync()).Single();

        // Act
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        var details = await Html.GetPageAsync(holder.Client, $"/Cards/Details/{card}");
        await Html.SubmitAsync(holder.Client, $"/Cards/ReportLost/{card}", [], $"/Cards/ReportLost/{card}");
        var afterReport = await Html.GetPageAsync(holder.Client, $"/Cards/Details/{card}");

        // Assert: in Chinese everywhere the holder reads it; the API keeps the brand's English name
        Assert.Contains("银联 •••• 0005", profile.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("银联 •••• 0005", details.QuerySelector("h1")!.TextContent.Trim());
        Assert.Contains(Chinese.Of("Card {0} is stopped: every payment with it is refused. We have sent you an email.", "银联 •••• 0005"), afterReport.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("银联 •••• 0005", Mailbox.MessageTo(factory, holder.Email, Chinese.Of("Your card was reported lost or stolen")), StringComparison.Ordinal);
        Assert.DoesNotContain("UnionPay", profile.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AcceptLanguageChinese_PageInChinese()
    {
        // Act
        using var client = Client("zh-CN,zh;q=0.9,en;q=0.5");
        var page = await Html.GetPageAsync(client, "/Account/Login");

        // Assert
        Assert.Equal("zh-CN", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal(Chinese.Of("Register"), RegisterLink(page));
        Assert.Equal(Chinese.Of("We never store your full card number."), page.QuerySelector("footer span:nth-child(2)")!.TextContent.Trim());
    }

    [Fact]
    public async Task Get_ChineseFormWithACheckBox_ItsRequiredMessageInChinese()
    {
        // Arrange: MVC requires a value-type field without a [Required] of its own, with a message it never translated
        using var client = Client("zh-CN");

        // Act
        var page = await Html.GetPageAsync(client, "/Account/Login");

        // Assert
        var message = page.QuerySelector("input[name=RememberMe][type=checkbox]")!.GetAttribute("data-val-required");
        Assert.StartsWith("请勾选或取消勾选“", message, StringComparison.Ordinal);
        Assert.DoesNotContain("field is required", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zh")]
    [InlineData("zh-Hans")]
    [InlineData("zh-Hans-CN, zh-Hans;q=0.5")]
    [InlineData("zh-SG")]
    [InlineData("zh-cn")]
    [InlineData("fr-FR, zh;q=0.8, en;q=0.5")]
    [InlineData("en;q=0.3, zh-Hans-CN")]
    public async Task Get_AcceptLanguageSimplifiedChineseByAnotherTag_PageInChinese(string acceptLanguage)
    {
        // Act
        using var client = Client(acceptLanguage);
        var page = await Html.GetPageAsync(client, "/Account/Login");

        // Assert
        Assert.Equal("zh-CN", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal(Chinese.Of("Register"), RegisterLink(page));
    }

    [Theory]
    [InlineData("zh-TW")]
    [InlineData("zh-HK")]
    [InlineData("zh-MO, zh-Hant;q=0.8")]
    public async Task Get_AcceptLanguageOnlyTraditionalChinese_PageInSimplifiedChinese(string acceptLanguage)
    {
        // Act (Chinese UI test: a Hong Kong browser naming no other language got English)
        using var client = Client(acceptLanguage);
        var page = await Html.GetPageAsync(client, "/Account/Login");

        // Assert: Simplified Chinese reads more easily to them than the default English.
        Assert.Equal("zh-CN", page.DocumentElement.GetAttribute("lang"));
    }

    [Theory]
    [InlineData("zh-Hant-HK, en;q=0.5")]
    [InlineData("en-GB, zh;q=0.8")]
    [InlineData("zh;q=0, en")]
    public async Task Get_AcceptLanguageTraditionalChineseOrEnglishFirst_PageInEnglish(string acceptLanguage)
    {
        // Act
        using var client = Client(acceptLanguage);
        var page = await Html.GetPageAsync(client, "/Account/Login");

        // Assert: Traditional Chinese is not what the pages are written in; the browser's next choice is.
        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("fr-FR,fr;q=0.9")]
    public async Task Get_NoChinesePreference_PageInEnglish(string? acceptLanguage)
    {
        // Act
        using var client = Client(acceptLanguage);
        var page = await Html.GetPageAsync(client, "/Account/Login");

        // Assert
        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Register", RegisterLink(page));
    }

    [Fact]
    public async Task Set_Chinese_RemembersTheChoiceAndReturnsToThePage()
    {
        // Arrange: an English browser
        using var client = Client("en-US,en;q=0.9");

        // Act
        var response = await Html.SubmitAsync(client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/Account/Login?ReturnUrl=%2FProfile")], formPage: "/Account/Login");
        var page = await Html.GetPageAsync(client, "/Account/ForgotPassword");

        // Assert: back where it was, and later pages in Chinese whatever the browser says
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2FProfile", Html.Location(response));
        Assert.Equal("zh-CN", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("true", page.QuerySelector("[data-testid=language-switcher] button[lang=zh-CN]")!.GetAttribute("aria-current"));
    }

    [Theory]
    [InlineData("/Transactions/New?merchantSearch=咖啡", "/Transactions/New?merchantSearch=%E5%92%96%E5%95%A1")]
    [InlineData("/\u3000/evil.example", "/%E3%80%80/evil.example")]
    public async Task Set_ReturnUrlWithCharactersBeyondAscii_BackThereWithThemPercentEncoded(string returnUrl, string location)
    {
        // Arrange: a header holds ASCII only (such a return address was a 500)
        using var client = Client();

        // Act
        var response = await Html.SubmitAsync(client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", returnUrl)], formPage: "/Account/Login");

        // Assert: still a path of this site
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, Html.Location(response));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData(null)]
    public async Task Set_ReturnUrlNotOnThisSite_GoesHome(string? returnUrl)
    {
        // Arrange
        using var client = Client();
        var fields = new List<KeyValuePair<string, string>> { new("culture", "en") };
        if (returnUrl is not null) fields.Add(new("returnUrl", returnUrl));

        // Act
        var response = await Html.SubmitAsync(client, "/Language/Set", fields, formPage: "/Account/Login");

        // Assert
        Assert.Equal("/", Html.Location(response));
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("")]
    [InlineData("zh-TW")]
    public async Task Set_UnsupportedLanguage_BadRequest(string culture)
    {
        // Arrange
        using var client = Client();

        // Act
        var response = await Html.SubmitAsync(client, "/Language/Set", [new("culture", culture)], formPage: "/Account/Login");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task RememberLanguageAsync_AccountWithoutALanguageSwitchedFromSeveralTabsAtOnce_NoErrorAndOneKept()
    {
        // Arrange (review: an account with no language yet, as create-admin makes them, switched from two tabs at once:
        // both added the row and the second was refused by its key, a 500)
        string id;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<FraudWeb.Data.ApplicationUser>>();
            var email = factory.NewEmail();
            var user = new FraudWeb.Data.ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user)).Succeeded);
            id = user.Id;
        }
        using var start = new ManualResetEventSlim();
        var switches = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            start.Wait();
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FraudWeb.Services.Accounts.AccountService>().RememberLanguageAsync(id, i % 2 == 0 ? "zh-CN" : "en");
        })).ToList();

        // Act
        start.Set();
        var all = Task.WhenAll(switches);
        var error = await Record.ExceptionAsync(() => all);

        // Assert
        Assert.Null(error);
        var kept = await factory.QueryAsync(db => db.UserTokens.Where(t => t.UserId == id && t.Name == "Language").Select(t => t.Value).ToListAsync());
        Assert.True(Assert.Single(kept) is "zh-CN" or "en");
    }

    [Fact]
    public async Task Set_WithoutAntiforgeryToken_Refused()
    {
        // Arrange
        using var client = Client();

        // Act
        var response = await client.PostAsync(new Uri("/Language/Set", UriKind.Relative), new FormUrlEncodedContent([new("culture", "zh-CN")]));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(".AspNetCore.Culture", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Register_ChineseAndEmpty_ValidationMessagesInChinese()
    {
        // Arrange
        using var client = Client("zh-CN");

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Register", [new("Email", ""), new("FullName", "")]);
        var messages = Html.ValidationMessages(await Html.ParseAsync(response));

        // Assert: nothing lost, the form again with the messages in Chinese
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Chinese.Of("Enter your full name."), messages);
        Assert.All(messages, m => Assert.Contains(m, c => c is >= '\u4e00' and <= '\u9fff'));
    }

    [Fact]
    public async Task Register_ChineseAndNameTooLong_LengthMessageInChinese()
    {
        // Arrange: the length is counted in characters by the app's own attribute, whose message goes through the
        // form's localizer as StringLength's does.
        using var client = Client("zh-CN");

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Register", [new("FullName", new string('王', 101))]);
        var messages = Html.ValidationMessages(await Html.ParseAsync(response));

        // Assert
        Assert.Contains(Chinese.Of("Your name must be 2 to 100 characters."), messages);
    }

    [Theory]
    [InlineData("zh-CN", "zh-CN", "Confirm your FraudWeb account")]
    [InlineData("en", "en", "Confirm your FraudWeb account")]
    public async Task Register_InALanguage_MailSaysWhichLanguageItIsIn(string acceptLanguage, string lang, string subject)
    {
        // Arrange
        using var client = Client(acceptLanguage);
        var email = factory.NewEmail();

        // Act
        await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, FraudWebFactory.Password).Build());
        var message = Mailbox.MessageTo(factory, email, lang == "en" ? subject : Chinese.Of(subject));

        // Assert: a screen reader reads the mail in its language's voice (WCAG 3.1.1), as it does the pages
        var body = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(message[(message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        Assert.Equal(lang, body.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public async Task Register_Chinese_ConfirmationMailInChinese()
    {
        // Arrange
        using var client = Client("zh-CN");
        var email = factory.NewEmail();

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, FraudWebFactory.Password).Build());
        var message = Mailbox.MessageTo(factory, email, Chinese.Of("Confirm your FraudWeb account"));

        // Assert: the subject (RFC 2047 encoded on the wire) and the words are Chinese; the link still works the same
        Assert.Equal("/Account/RegisterConfirmation", Html.Location(response));
        Assert.Equal(Chinese.Of("Confirm your FraudWeb account"), Mailbox.Subject(message));
        Assert.Contains("Subject: =?utf-8?B?", message, StringComparison.Ordinal);
        // The paragraph is one translated text: the Chinese sentences follow each other without an English space.
        Assert.Contains("</a>" + Chinese.Of("To finish creating your account, {0}. Then sign in with the password you chose.").Split("{0}")[1], message, StringComparison.Ordinal);
        Assert.StartsWith("/Account/ConfirmEmail", Mailbox.LinkTo(message, "/Account/ConfirmEmail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmEmail_ChineseMailOpenedInAnEnglishBrowser_PageAndThoseAfterItInChinese()
    {
        // Arrange (Chinese review: a mail written in Chinese opened an English page)
        using var client = Client("zh-CN");
        var email = factory.NewEmail();
        await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, FraudWebFactory.Password).Build());
        var link = Mailbox.LinkTo(Mailbox.MessageTo(factory, email, Chinese.Of("Confirm your FraudWeb account")), "/Account/ConfirmEmail");
        using var elsewhere = Client();

        // Act
        var confirmed = await CardHolderSession.FollowConfirmationAsync(elsewhere, link);
        var next = await Html.GetPageAsync(elsewhere, "/Account/Login");

        // Assert
        Assert.Equal("zh-CN", confirmed.DocumentElement.GetAttribute("lang"));
        Assert.Equal("zh-CN", next.DocumentElement.GetAttribute("lang"));
    }

    [Theory]
    [InlineData("en", "c=en|uic=en")]
    [InlineData("zh-CN", null)]
    public async Task Get_LinkInAnotherLanguage_ThePageInItTheBrowsersOwnChoiceKept(string acceptLanguage, string? cookie)
    {
        // Arrange: a language chosen with the footer's switch, or the browser's own that the link's is
        using var client = Client(acceptLanguage, cookie is null ? null : ".AspNetCore.Culture=" + Uri.EscapeDataString(cookie));

        // Act
        var response = await client.GetAsync(new Uri("/Account/Login?culture=zh-CN", UriKind.Relative));

        // Assert: the page in the link's language; nothing remembered over a choice or where the browser asks for it anyway
        Assert.Equal("zh-CN", (await Html.ParseAsync(response)).DocumentElement.GetAttribute("lang"));
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
    }

    /// <summary>Reaches an error page the way a visitor would, asking for Chinese; the response and the page.</summary>
    private async Task<(HttpResponseMessage Response, IHtmlDocument Page)> ErrorPageInChineseAsync(int status)
    {
        using var client = Client("zh-CN");
        HttpResponseMessage response;
        switch (status)
        {
            case 400:
                // A form posted without its antiforgery token.
                response = await client.PostAsync(new Uri("/Language/Set", UriKind.Relative), new FormUrlEncodedContent([new("culture", "en")]));
                break;
            case 403:
            {
                // A card holder opening a staff page is sent to "access denied".
                using var holder = await CardHolderSession.RegisteredAsync(factory);
                holder.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
                var refused = await holder.Client.GetAsync(new Uri("/Staff", UriKind.Relative));
                var deniedAt = new Uri(FraudWebFactory.HttpsBaseAddress, Html.Location(refused)).PathAndQuery;
                Assert.StartsWith("/Account/AccessDenied", deniedAt, StringComparison.Ordinal);
                response = await holder.Client.GetAsync(new Uri(deniedAt, UriKind.Relative));
                return (response, await Html.ParseAsync(response));
            }
            case 500:
                response = await client.GetAsync(new Uri("/test-faults/throw", UriKind.Relative));
                break;
            case 503:
            {
                // A payment while no model is serving.
                using var unscored = factory.WithWebHostBuilder(builder =>
                    builder.ConfigureTestServices(services => services.AddSingleton<IServingModel, NoServingModel>()));
                using var payer = unscored.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });
                var email = factory.NewEmail();
                Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(payer, "/Account/Register", new RegistrationBuilder(email, FraudWebFactory.Password).Build())).StatusCode);
                await CardHolderSession.ConfirmAndSignInAsync(factory, payer, email);
                Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(payer, "/Cards/Add", new CardFormBuilder().Build())).StatusCode);
                var cardId = await factory.QueryAsync(db => db.Cards.Where(c => db.Users.Any(u => u.Id == c.CardHolder!.UserId && u.Email == email)).Select(c => c.Id).SingleAsync());
                payer.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
                response = await Html.SubmitAsync(payer, "/Transactions/New", new Dictionary<string, string>
                {
                    ["CardId"] = cardId.ToString(CultureInfo.InvariantCulture),
                    ["TerminalId"] = (await Merchants.OrdinaryAsync(factory)).ToString(CultureInfo.InvariantCulture),
                    ["Amount"] = "10",
                });
                return (response, await Html.ParseAsync(response));
            }
            default:
                // Asked for directly: an unknown address sends an anonymous visitor to sign in first.
                response = await client.GetAsync(new Uri("/Error/404", UriKind.Relative));
                break;
        }
        return (response, await Html.ParseAsync(response));
    }

    [Theory]
    [InlineData(400, HttpStatusCode.BadRequest, "We couldn't understand that request")]
    [InlineData(403, HttpStatusCode.OK, "Access denied")]
    [InlineData(404, HttpStatusCode.NotFound, "Page not found")]
    [InlineData(500, HttpStatusCode.InternalServerError, "Something went wrong")]
    [InlineData(503, HttpStatusCode.ServiceUnavailable, "The fraud check is unavailable (503)")]
    public async Task Error_Chinese_ErrorPageInChinese(int status, HttpStatusCode expected, string heading)
    {
        // Act
        var (response, page) = await ErrorPageInChineseAsync(status);

        // Assert: the page's language, its heading and its explanation are Chinese
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("zh-CN", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal(Chinese.Of(heading), page.QuerySelector("main h1")!.TextContent.Trim());
        var explanation = page.QuerySelector("main h1 ~ p")!.TextContent;
        Assert.Contains(explanation, c => c is >= '\u4e00' and <= '\u9fff');
        Assert.DoesNotContain("the", explanation, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Asia/Shanghai", "Asia/Shanghai")]
    [InlineData("Mars/Olympus_Mons", "UTC")]
    [InlineData(null, "UTC")]
    public async Task Get_TimeZoneCookie_FooterNamesTheZoneTimesAreIn(string? zone, string shown)
    {
        // Act
        using var client = Client(cookie: zone is null ? "other=1" : $"{LocalTime.CookieName}={Uri.EscapeDataString(zone)}");
        var page = await Html.GetPageAsync(client, "/Account/Login");

        // Assert
        Assert.Equal($"Times in {shown}", page.QuerySelector("[data-testid=time-zone]")!.TextContent.Trim());
    }

    [Fact]
    public void LocalTime_KnownZone_ConvertsAndFormatsByCulture()
    {
        // Arrange
        var utc = new DateTime(2026, 12, 1, 5, 7, 0, DateTimeKind.Utc);
        var shanghai = LocalTime.In(LocalTime.Find("Asia/Shanghai"));

        // Act
        string english, chinese;
        using (CultureScope.Use(CultureInfo.GetCultureInfo("en"))) english = shanghai.Format(utc);
        using (CultureScope.Use(Chinese.Culture)) chinese = shanghai.Format(utc);

        // Assert: 13:07 in Shanghai; English with the month's name and a 24-hour clock (UI review: "12/1/2026" reads
        // as 12 January to most European readers), Chinese as it writes dates
        Assert.Equal(new DateTime(2026, 12, 1, 13, 7, 0), shanghai.ToLocal(utc));
        Assert.Equal("1 Dec 2026 13:07", english);
        Assert.Equal("2026/12/1 13:07", chinese);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Not/A_Zone")]
    [InlineData("../../etc/passwd")]
    public void LocalTime_UnknownZone_Utc(string id) => Assert.Same(TimeZoneInfo.Utc, LocalTime.Find(id));

    private sealed class NoServingModel : IServingModel
    {
        public ServingSnapshot? Current => null;

        public void Promote(ServingSnapshot snapshot)
        {
        }
    }

    [Fact]
    public async Task PaymentResult_Chinese_MerchantsKindInChineseBrackets()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync();
        var id = await holder.PayAndGetIdAsync(cardId, await Merchants.OrdinaryAsync(factory), 12.30m);
        holder.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var page = await Html.GetPageAsync(holder.Client, $"/Transactions/Details/{id}");

        // Assert: Chinese puts a note in full-width brackets, as the merchant picker does ("（编号 1）"), not "(旅行)"
        var merchant = page.QuerySelectorAll("dt").Single(dt => dt.TextContent.Trim() == Chinese.Of("Merchant")).NextElementSibling!.TextContent.Trim();
        Assert.Matches(@"\S（\p{IsCJKUnifiedIdeographs}+）$", merchant);
        Assert.DoesNotContain("(", merchant, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewReport_ChineseTamperedChoice_MessageQuotesTheQuestion()
    {
        // Arrange (exploratory testing: "“Bogus”不是发生了什么？的有效值。", a question run into the sentence)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await holder.PayAndGetIdAsync(await holder.AddCardAsync(), await Merchants.OrdinaryAsync(factory), 12.30m);
        holder.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Reports/New",
            [new("TransactionId", id.ToString(CultureInfo.InvariantCulture)), new("Kind", "Bogus"), new("Reason", "我不认识这笔支付。")],
            formPage: $"/Reports/New?transactionId={id}");

        // Assert
        var page = await Html.ParseAsync(response);
        var message = page.QuerySelector("#Kind-message")!.TextContent.Trim();
        Assert.Equal($"“Bogus”不是“{Chinese.Of("What happened?")}”的有效值。", message);
    }
}
