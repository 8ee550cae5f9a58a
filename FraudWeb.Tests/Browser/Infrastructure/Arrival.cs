using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser.Infrastructure;

/// <summary>
/// Waits for the page a click or key press leads to: its address, then its document loaded (scripts run).
/// </summary>
/// <remarks>
/// Not Playwright's navigation waiters (<c>WaitForURLAsync</c>): under loaded CI runs they have missed the events they
/// wait for while the page was there (first the "load" event; then, with <c>Commit</c>, the navigation itself: the
/// browser at the expected address, document complete, the waiter still waiting), failing after the full timeout.
/// The page's own address and <c>readyState</c>, read from it until they match, cannot be missed.
/// </remarks>
public static class Arrival
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    /// <summary>Waits until the browser is at an address matching <paramref name="url"/> and its page has loaded.</summary>
    public static Task AtAsync(this IPage page, Regex url, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        return ArriveAsync(page, url.IsMatch, what ?? $"a page at {url}");
    }

    /// <summary>Waits until the browser has left pages whose address contains <paramref name="fragment"/> and the next has loaded.</summary>
    public static Task AwayFromAsync(this IPage page, string fragment) =>
        ArriveAsync(page, url => !url.Contains(fragment, StringComparison.Ordinal), $"a page other than {fragment}");

    private static async Task ArriveAsync(IPage page, Func<string, bool> at, string what)
    {
        ArgumentNullException.ThrowIfNull(page);
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await LoadedAtAsync(page) is { } url && at(url)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Expected {what}, but {await WhereAsync(page)}");
            await Task.Delay(100);
        }
    }

    /// <summary>The page's address once its document is complete; null while it loads or navigates away.</summary>
    private static async Task<string?> LoadedAtAsync(IPage page)
    {
        try
        {
            var stateAndUrl = await page.EvaluateAsync<string>("() => document.readyState + ' ' + location.href");
            return stateAndUrl.StartsWith("complete ", StringComparison.Ordinal) ? stateAndUrl["complete ".Length..] : null;
        }
        catch (PlaywrightException)
        {
            // The document went away under the read (a navigation started): read the next one.
            return null;
        }
    }

    /// <summary>Where the browser is and what its page says, with a screenshot, for a failure's message.</summary>
    private static async Task<string> WhereAsync(IPage page)
    {
        try
        {
            var shot = Path.Combine(BrowserHost.ScreenshotDirectory, $"failed-arrival-{DateTime.UtcNow:HHmmssfff}.png");
            await page.ScreenshotAsync(new() { Path = shot, FullPage = true, Timeout = 10_000 });
            var state = await page.EvaluateAsync<string>("() => document.readyState");
            var said = await page.Locator("h1, .alert, .validation-summary-errors, .field-validation-error").AllInnerTextsAsync();
            return $"the browser is at {page.Url} (document {state}): {string.Join(" | ", said)}; screenshot {shot}";
        }
        catch (PlaywrightException e)
        {
            return $"the browser is at {page.Url} and its page could not be read: {e.Message}";
        }
        catch (TimeoutException)
        {
            return $"the browser is at {page.Url} and its page did not answer";
        }
    }
}
