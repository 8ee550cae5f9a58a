using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser.Infrastructure;

public class ChromiumLauncherTests
{
    private const string Page = """
        <!DOCTYPE html>
        <html>
        <body>
          <p id="status">Waiting</p>
          <button id="go" onclick="document.getElementById('status').textContent = 'Clicked'">Go</button>
        </body>
        </html>
        """;

    [Fact]
    public async Task LaunchAsync_PageButtonClicked_ScriptUpdatesTextAndScreenshotIsSaved()
    {
        // Arrange
        await using var chromium = await ChromiumLauncher.LaunchAsync();
        var page = await chromium.NewPageAsync();
        await page.SetContentAsync(Page);
        var screenshot = ChromiumLauncher.ScreenshotPath("chromium-launcher-smoke");
        File.Delete(screenshot);

        // Act
        await page.GetByRole(AriaRole.Button, new() { Name = "Go" }).ClickAsync();
        await page.ScreenshotAsync(new() { Path = screenshot });

        // Assert
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Clicked");
        Assert.True(new FileInfo(screenshot).Length > 0, $"No screenshot written at {screenshot}.");
    }

    [Fact]
    public async Task LaunchAsync_ExecutableMissing_ThrowsNamingPathAndFix()
    {
        // Arrange
        var missing = Path.Combine(Path.GetTempPath(), "no-such-chromium-" + Guid.NewGuid().ToString("N"));

        // Act
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ChromiumLauncher.LaunchAsync(missing));

        // Assert
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains(ChromiumLauncher.ExecutableEnvironmentVariable, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/opt/chromium/chrome", true, "/opt/chromium/chrome")]
    [InlineData(null, true, ChromiumLauncher.HeadlessShellPath)]
    [InlineData("  ", true, ChromiumLauncher.HeadlessShellPath)]
    [InlineData(null, false, ChromiumLauncher.DefaultExecutablePath)]
    public void ResolveExecutablePath_SettingAndInstalledShell_ChoosesInThatOrder(string? fromEnvironment, bool shellInstalled, string expected)
    {
        // Act
        var path = ChromiumLauncher.ResolveExecutablePath(fromEnvironment, file => shellInstalled && file == ChromiumLauncher.HeadlessShellPath);

        // Assert
        Assert.Equal(expected, path);
    }
}
