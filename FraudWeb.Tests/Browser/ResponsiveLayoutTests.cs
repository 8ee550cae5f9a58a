using FraudWeb.Tests.Browser.Infrastructure;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

public sealed class ResponsiveLayoutTests(BrowserHost host) : IClassFixture<BrowserHost>
{
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
