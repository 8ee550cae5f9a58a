using System.Text.RegularExpressions;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser.Infrastructure;

/// <summary>Finishes two-step sign-in in the browser after the password: the code step, or enrolment for staff without it.</summary>
public static partial class BrowserMfa
{
    public static async Task CompleteAsync(IPage page, FraudWebFactory factory, string email)
    {
        ArgumentNullException.ThrowIfNull(page);
        var path = new Uri(page.Url).AbsolutePath;
        if (path.StartsWith("/Account/Mfa/SignIn", StringComparison.Ordinal))
        {
            await page.GetByLabel("Code from your app").FillAsync(await MfaSteps.NextCodeAsync(factory, email));
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await page.AwayFromAsync("/Account/Mfa");
        }
        else if (path == "/Account/Mfa")
        {
            var key = await page.GetByTestId("mfa-key").InnerTextAsync();
            await page.GetByLabel("Code from your app").FillAsync(MfaSteps.CodeFor(key));
            await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-step sign-in" }).ClickAsync();
            await page.GetByTestId("recovery-codes").WaitForAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
            await page.AtAsync(LandingPath(), "the profile or the staff dashboard");
        }
    }

    /// <summary>Where "Continue" lands: the profile, which sends staff on to their dashboard.</summary>
    [GeneratedRegex("/(Profile|Staff)")]
    private static partial Regex LandingPath();
}
