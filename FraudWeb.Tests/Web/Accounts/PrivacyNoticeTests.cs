using System.Net;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>
/// What happens to a person's details, readable before they give them (privacy test: registration asked for name, birth
/// date, phone and address with no notice, and the data pages were reachable only signed in).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class PrivacyNoticeTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Register_Anonymous_LinksToTheNoticeWhichAnyoneMayRead()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        var register = await Html.GetPageAsync(client, "/Account/Register");
        var href = register.QuerySelector("[data-testid=privacy-notice-link] a")!.GetAttribute("href")!;
        using var response = await client.GetAsync(new Uri(href, UriKind.Relative));
        var notice = await Html.ParseAsync(response);

        // Assert: what is asked for and why, card numbers, who sees, how long, rights
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = notice.QuerySelector("[data-testid=privacy-notice]")!.TextContent;
        Assert.Contains("date of birth, phone number and postal address", text, StringComparison.Ordinal);
        Assert.Contains("We never keep a whole card number", text, StringComparison.Ordinal);
        Assert.Contains("audit log", text, StringComparison.Ordinal);
        Assert.Contains("When you close it", text, StringComparison.Ordinal);
        Assert.NotNull(notice.QuerySelector($"footer a[href='{href}']"));
    }

    [Fact]
    public async Task PrivacyNotice_Chinese_InChinese()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();
        client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var notice = await Html.GetPageAsync(client, "/Home/PrivacyNotice");

        // Assert
        Assert.Equal(Chinese.Of("How FraudWeb uses your personal details"), notice.QuerySelector("h1")!.TextContent.Trim());
        Assert.Contains(Chinese.Of("We never keep a whole card number: only its brand, its last four digits and a keyed fingerprint that lets us recognise the card again."),
            notice.QuerySelector("[data-testid=privacy-notice]")!.TextContent, StringComparison.Ordinal);
    }
}
