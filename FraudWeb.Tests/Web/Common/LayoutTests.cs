using System.Net;
using AngleSharp.Dom;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Common;

/// <summary>The layout's links and forms (their paths are found once and kept, NavigationPaths) lead where they say.</summary>
public sealed class LayoutTests(FraudWebFactory factory) : IClassFixture<FraudWebFactory>
{
    [Theory]
    [InlineData(null)]
    [InlineData(Roles.Admin)]
    public async Task Layout_SignedIn_EveryNavigationLinkOpensItsPage(string? role)
    {
        // Arrange
        using var user = role is null ? await CardHolderSession.RegisteredAsync(factory) : await ReviewSteps.SignedInAsAsync(factory, role);
        var page = await Html.GetPageAsync(user.Client, "/");
        var links = page.QuerySelectorAll("header a[href]").Select(a => a.GetAttribute("href")!).ToList();
        Assert.True(links.Count >= 4, string.Join(", ", links));

        foreach (var link in links)
        {
            // Act
            using var response = await user.Client.GetAsync(new Uri(link, UriKind.Relative));

            // Assert
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{link}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Layout_AnyPage_OneLanguageFormWithTheTokenAndAButtonPerLanguage()
    {
        // Arrange
        using var client = factory.CreateClient();

        // Act
        var page = await Html.GetPageAsync(client, "/Account/Login");

        // Assert: one form posting to the switcher, its antiforgery token, the page to return to, a button per language
        var forms = page.QuerySelectorAll("[data-testid=language-switcher] form");
        var form = Assert.Single(forms);
        Assert.Equal("/Language/Set", form.GetAttribute("action"));
        Assert.NotEmpty(form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!);
        Assert.Equal("/Account/Login", form.QuerySelector("input[name=returnUrl]")!.GetAttribute("value"));
        Assert.Equal(["en", "zh-CN"], form.QuerySelectorAll("button[name=culture]").Select(b => b.GetAttribute("value")!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("/Account/Register", false)]
    [InlineData("/Account/Login", false)]
    [InlineData("/Profile", true)]
    [InlineData("/Transactions/New", true)]
    public async Task Page_ScriptsAndStylesheets_EveryOneServedFromItsResolvedPath(string url, bool signedIn)
    {
        // Arrange: paths under ~/ are resolved by the views themselves (Url.Content or asp-append-version), not by
        // Razor's URL tag helper, which the views do not use
        using var session = signedIn ? await CardHolderSession.RegisteredAsync(factory) : CardHolderSession.Anonymous(factory);
        var page = await Html.GetPageAsync(session.Client, url);
        var assets = page.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!)
            .Concat(page.QuerySelectorAll("link[href]").Select(l => l.GetAttribute("href")!)).ToList();
        Assert.True(assets.Count >= 4, string.Join(", ", assets));
        Assert.DoesNotContain(page.QuerySelectorAll("[href], [src], [action]").SelectMany(e => e.Attributes).Select(a => a.Value), value => value.StartsWith('~'));

        foreach (var asset in assets)
        {
            // Act
            using var response = await session.Client.GetAsync(new Uri(asset, UriKind.Relative));

            // Assert
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {asset}: {(int)response.StatusCode}");
        }
    }
}
