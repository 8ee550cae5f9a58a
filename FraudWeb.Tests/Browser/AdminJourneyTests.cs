using System.Text.RegularExpressions;
using FraudWeb.Data;
using Microsoft.EntityFrameworkCore;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Browser.Infrastructure;
using FraudWeb.Tests.Web.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FraudWeb.Tests.Browser;

/// <summary>An administrator creates a user and makes them an analyst; the new analyst reaches the review queue.</summary>
public sealed partial class AdminJourneyTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    /// <summary>The analysts' review queue (behind the reports.review policy).</summary>
    private const string ReviewQueue = "/Review";

    [Fact]
    public async Task Admin_CreatesUserAndGrantsAnalyst_NewUserReachesReviewQueue()
    {
        // Arrange
        var adminEmail = await CreateAdminAsync();
        var newEmail = host.Factory.NewEmail();
        var adminPage = await host.NewPageAsync();
        var consoleErrors = new List<string>();
        adminPage.Console += (_, message) =>
        {
            if (message.Type == "error") consoleErrors.Add(message.Text);
        };

        // Act: the administrator creates the user
        await SignInAsync(adminPage, adminEmail, FraudWebFactory.Password);
        await adminPage.GetByRole(AriaRole.Link, new() { Name = "Administration" }).ClickAsync();
        await adminPage.GetByRole(AriaRole.Link, new() { Name = "Create a user" }).ClickAsync();
        await adminPage.GetByLabel("Email").FillAsync(newEmail);
        await adminPage.GetByLabel("Role").SelectOptionAsync("Customer");
        await adminPage.GetByLabel("Full name").FillAsync("Dorothy Vaughan");
        await adminPage.GetByLabel("Phone number").FillAsync("+1 555 0199");
        await adminPage.GetByLabel("Date of birth").FillAsync("1970-09-20");
        await adminPage.GetByLabel("Address line 1", new() { Exact = true }).FillAsync("1 Langley Field");
        await adminPage.GetByLabel("Town or city").FillAsync("Hampton");
        await adminPage.GetByLabel("Postcode").FillAsync("23665");
        await adminPage.GetByLabel("Country").FillAsync("United States");
        await adminPage.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await adminPage.WaitForURLAsync(new Regex("/AdminUsers/Details/"));
        await Shot(adminPage, "admin-01-created");

        // Act: grants the Analyst role
        await adminPage.GetByLabel("Analyst").CheckAsync();
        await adminPage.GetByRole(AriaRole.Button, new() { Name = "Save roles" }).ClickAsync();
        await adminPage.GetByText("The roles have been saved.").WaitForAsync();
        await Shot(adminPage, "admin-02-roles");

        // Act: the new user chooses a password from the emailed link, signs in and opens the review queue
        var userPage = await host.NewPageAsync();
        await userPage.GotoAsync(ResetPathFor(newEmail));
        await userPage.Locator("#Password").FillAsync("Pelican harbour 42 tango");
        await userPage.Locator("#ConfirmPassword").FillAsync("Pelican harbour 42 tango");
        await userPage.Locator("form button[type=submit]").ClickAsync();
        await userPage.WaitForURLAsync(new Regex("/Account/ResetPasswordConfirmation"));
        await SignInAsync(userPage, newEmail, "Pelican harbour 42 tango");
        var review = await userPage.GotoAsync(ReviewQueue);

        // Assert
        Assert.Equal(200, review!.Status);
        Assert.EndsWith(ReviewQueue, new Uri(userPage.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("Review queue", await userPage.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task CreateUser_FixingTheLastInvalidField_ButtonStaysAndOneClickSubmits()
    {
        // Arrange: the form shown with every field's error, then all fixed but the last one
        var adminEmail = await CreateAdminAsync();
        var page = await host.NewPageAsync();
        await SignInAsync(page, adminEmail, FraudWebFactory.Password);
        await page.GotoAsync("/AdminUsers/Create");
        var create = page.GetByRole(AriaRole.Button, new() { Name = "Create user" });
        await create.ClickAsync();
        await page.Locator("[data-valmsg-for=Email].field-validation-error").WaitForAsync();
        await page.GetByLabel("Email").FillAsync(host.Factory.NewEmail());
        await page.GetByLabel("Role").SelectOptionAsync("Customer");
        await page.GetByLabel("Full name").FillAsync("Katherine Johnson");
        await page.GetByLabel("Phone number").FillAsync("+1 555 0142");
        await page.GetByLabel("Date of birth").FillAsync("1968-08-26");
        await page.GetByLabel("Address line 1", new() { Exact = true }).FillAsync("2 Langley Field");
        await page.GetByLabel("Town or city").FillAsync("Hampton");
        await page.GetByLabel("Postcode").FillAsync("23666");
        var before = await TopInPageAsync(create);

        // Act: the last field is fixed and left, which removes its message, then the button is pressed once
        await page.GetByLabel("Country").FillAsync("United States");
        await page.GetByLabel("Country").PressAsync("Tab");
        await page.Locator("[data-valmsg-for=Country].field-validation-valid").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var after = await TopInPageAsync(create);
        await create.ClickAsync();

        // Assert
        Assert.Equal(before, after);
        await page.WaitForURLAsync(new Regex("/AdminUsers/Details/"));
    }

    [Fact]
    public async Task Models_RunEndsWhileOpen_RowUpdatesWithoutReloadAndEveryFeatureIsNamed()
    {
        // Arrange: a run in progress (as the worker leaves it while it trains) and the models page open on it
        var adminEmail = await CreateAdminAsync();
        var page = await host.NewPageAsync();
        await SignInAsync(page, adminEmail, FraudWebFactory.Password);
        var runId = await host.Factory.QueryAsync(async db =>
        {
            var run = RetrainingRun.Queue(RetrainingTrigger.Manual, null, DateTime.UtcNow, 0);
            run.Start(DateTime.UtcNow);
            db.RetrainingRuns.Add(run);
            await db.SaveChangesAsync();
            return run.Id;
        });
        await page.GotoAsync("/Models");
        await page.Locator($"[data-testid=run-row][data-run-id='{runId}'][data-status=Running]").WaitForAsync();
        await page.EvaluateAsync("() => { window.stillThisPage = true; }");

        // Act: the run ends
        await host.Factory.QueryAsync(async db =>
        {
            var run = await db.RetrainingRuns.FirstAsync(r => r.Id == runId);
            run.Fail("stopped by the test", DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });

        // Assert: the page shows it within a few polls, without a reload; the importance chart names every feature
        await page.Locator($"[data-testid=run-row][data-run-id='{runId}'][data-status=Failed]").WaitForAsync(new() { Timeout = 20_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillThisPage === true"));
        var features = await page.EvaluateAsync<int>("() => JSON.parse(document.getElementById('model-charts').textContent).importanceNames.length");
        Assert.True(features >= 10, $"{features} features in the chart data");
        Assert.Equal(features, await page.EvaluateAsync<int>("() => Chart.getChart('importance-chart').scales.y.ticks.length"));
    }

    /// <summary>Where the element is in the page (not the viewport: leaving a field may scroll).</summary>
    private static Task<double> TopInPageAsync(ILocator element) =>
        element.EvaluateAsync<double>("e => e.getBoundingClientRect().top + window.scrollY");

    private async Task<string> CreateAdminAsync()
    {
        var email = host.Factory.NewEmail();
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedUtc = DateTime.UtcNow };
        Assert.True((await users.CreateAsync(user, FraudWebFactory.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Admin)).Succeeded);
        return email;
    }

    private async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.Locator("#Email").FillAsync(email);
        await page.Locator("#Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
        await BrowserMfa.CompleteAsync(page, host.Factory, email);
    }

    private string ResetPathFor(string email) =>
        Mailbox.LinkTo(Mailbox.MessagesTo(host.Factory, email).Single(), "/Account/ResetPassword");

    private static async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, name + ".png"), FullPage = true });
}
