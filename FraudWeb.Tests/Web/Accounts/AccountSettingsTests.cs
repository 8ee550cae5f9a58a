using System.Net;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>Account and security: one menu item leading to password, address, two-step sign-in and the person's data.</summary>
[Collection(WebTestGroup.Name)]
public sealed class AccountSettingsTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Settings_SignedIn_TheMenuLeadsToEachAccountPageAndEachOpens()
    {
        // Arrange (the menu had grown to four account links beside the holder's pages and wrapped onto two lines)
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var home = await Html.GetPageAsync(holder.Client, "/Profile");
        var settings = await Html.GetPageAsync(holder.Client, home.QuerySelector("nav [data-testid=account-settings]")!.GetAttribute("href")!);

        // Assert: the five pages, each reached from here and answering
        var links = settings.QuerySelectorAll("[data-testid=settings] a").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(["/Account/ChangePassword", "/Account/ChangeEmail", "/Account/Mfa", "/ApiKeys", "/Privacy"], links);
        foreach (var link in links)
            Assert.Equal(HttpStatusCode.OK, (await holder.Client.GetAsync(new Uri(link, UriKind.Relative))).StatusCode);
        Assert.Contains(holder.Email, settings.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Null(home.QuerySelector("nav a[href='/Account/ChangePassword']"));
    }

    [Fact]
    public async Task Settings_Chinese_SpeaksChinese()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        holder.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var page = await Html.GetPageAsync(holder.Client, "/Account/Settings");

        // Assert
        Assert.Equal(Chinese.Of("Account and security"), page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Contains(Chinese.Of("Download everything we keep about you, or close your account."), page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }
}
