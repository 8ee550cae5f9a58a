using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser.Infrastructure;

/// <summary>
/// Full-page screenshots kept with the test results for people to look at (docs/screenshots come from them), not
/// one of any test's checks. Chromium sometimes refuses a capture on a loaded machine ("Unable to capture
/// screenshot", seen once in a CI run on 2026-12-03), so a refusal is tried again, and a second one is written down
/// beside the screenshots instead of failing the checks around it.
/// </summary>
public static class RecordShots
{
    private const string Refused = "Unable to capture screenshot";

    /// <summary>Saves the page as <paramref name="name"/>.png in the screenshot directory.</summary>
    public static Task SaveAsync(IPage page, string name) =>
        SaveToAsync(page, Path.Combine(BrowserHost.ScreenshotDirectory, name + ".png"));

    public static async Task SaveToAsync(IPage page, string file)
    {
        ArgumentNullException.ThrowIfNull(page);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.ScreenshotAsync(new() { Path = file, FullPage = true });
                return;
            }
            catch (PlaywrightException e) when (attempt < 2 && e.Message.Contains(Refused, StringComparison.Ordinal))
            {
                await Task.Delay(500);
            }
            catch (PlaywrightException e) when (e.Message.Contains(Refused, StringComparison.Ordinal))
            {
                await File.WriteAllTextAsync(Path.ChangeExtension(file, ".txt"), $"Chromium refused this screenshot twice: {e.Message}");
                return;
            }
        }
    }
}
