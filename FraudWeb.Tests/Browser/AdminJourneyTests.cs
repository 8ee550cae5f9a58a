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

/// <summary>Staff journeys: an administrator invites an analyst, who accepts and reaches the review queue; the create form; the models page.</summary>
public sealed partial class AdminJourneyTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    /// <summary>The analysts' review queue (behind the reports.review policy).</summary>
    private const string ReviewQueue = "/Review";

    [Fact]
    public async Task Admin_InvitesAnalyst_NewAnalystAcceptsAndLandsOnStaffDashboard()
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

        // Act: the administrator lands on the staff dashboard and invites an analyst from it (address and role only)
        await SignInAsync(adminPage, adminEmail, FraudWebFactory.Password);
        await adminPage.AtAsync(new Regex("/Staff$"));
        Assert.Equal(0, await adminPage.GetByRole(AriaRole.Link, new() { Name = "New payment" }).CountAsync());
        await Shot(adminPage, "admin-00-dashboard");
        await adminPage.GetByRole(AriaRole.Link, new() { Name = "Invite a staff member" }).ClickAsync();
        await adminPage.GetByLabel("Email").FillAsync(newEmail);
        await adminPage.GetByLabel("Analyst").CheckAsync();
        await adminPage.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
        await adminPage.AtAsync(new Regex("/AdminUsers/Details/"));
        await Shot(adminPage, "admin-01-invited");

        // Act: the analyst accepts the mailed invitation, signs in (enrolling two-step sign-in) and opens the queue
        var userPage = await host.NewPageAsync();
        await userPage.GotoAsync(InvitationPathFor(newEmail));
        Assert.Equal("Welcome to FraudWeb", await userPage.Locator("h1").InnerTextAsync());
        await userPage.Locator("#Password").FillAsync("Pelican harbour 42 tango");
        await userPage.Locator("#ConfirmPassword").FillAsync("Pelican harbour 42 tango");
        await userPage.GetByRole(AriaRole.Button, new() { Name = "Accept the invitation" }).ClickAsync();
        await userPage.AtAsync(new Regex("/Account/Login"));
        await SignInAsync(userPage, newEmail, "Pelican harbour 42 tango");
        await userPage.AtAsync(new Regex("/Staff$"));
        await Shot(userPage, "admin-02-analyst-dashboard");
        var nav = userPage.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        Assert.Equal(0, await nav.GetByRole(AriaRole.Link, new() { Name = "My profile" }).CountAsync());
        Assert.Equal(0, await nav.GetByRole(AriaRole.Link, new() { Name = "Administration" }).CountAsync());
        await userPage.GetByRole(AriaRole.Link, new() { Name = "Open the review queue" }).ClickAsync();

        // Assert
        await userPage.AtAsync(new Regex(ReviewQueue + "$"));
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
        var create = page.GetByRole(AriaRole.Button, new() { Name = "Create card holder" });
        await create.ClickAsync();
        await page.Locator("[data-valmsg-for=Email].field-validation-error").WaitForAsync();
        await page.GetByLabel("Email").FillAsync(host.Factory.NewEmail());
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
        await page.AtAsync(new Regex("/AdminUsers/Details/"));
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
            var run = RetrainingRun.Queue(RetrainingTrigger.Manual, null, host.Factory.Clock.UtcNow, 0);
            run.Start(host.Factory.Clock.UtcNow);
            db.RetrainingRuns.Add(run);
            await db.SaveChangesAsync();
            return run.Id;
        });
        // and a version that could be promoted, whose button a keyboard user is on while the page refreshes
        var spare = "gbt-focus-" + Guid.NewGuid().ToString("N")[..8];
        await host.Factory.QueryAsync(async db =>
        {
            var version = ModelVersion.Register(spare, spare + ".model", host.Factory.Clock.UtcNow, 10, 1, "{}");
            version.Reject();
            db.ModelVersions.Add(version);
            return await db.SaveChangesAsync();
        });
        await page.GotoAsync("/Models");
        await page.Locator($"[data-testid=run-row][data-run-id='{runId}'][data-status=Running]").WaitForAsync();
        await page.EvaluateAsync("() => { window.stillThisPage = true; }");
        var promote = page.Locator($"[data-testid=version-row][data-version='{spare}'] button");
        await promote.FocusAsync();
        // One refresh comes and goes while the button has the focus
        await page.WaitForResponseAsync(r => r.Request.ResourceType == "fetch" && new Uri(r.Url).AbsolutePath == "/Models", new() { Timeout = 20_000 });
        await page.WaitForTimeoutAsync(300);
        // Review: the unchanged tables were replaced every 3 s, and the focus fell back to the page
        Assert.True(await promote.EvaluateAsync<bool>("b => document.activeElement === b"));

        // Act: the run ends
        await host.Factory.QueryAsync(async db =>
        {
            var run = await db.RetrainingRuns.FirstAsync(r => r.Id == runId);
            run.Fail("stopped by the test", host.Factory.Clock.UtcNow);
            return await db.SaveChangesAsync();
        });

        // Assert: the page shows it within a few polls, without a reload; the importance chart names every feature
        await page.Locator($"[data-testid=run-row][data-run-id='{runId}'][data-status=Failed]").WaitForAsync(new() { Timeout = 20_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillThisPage === true"));
        // The tables changed and were replaced: the focus is on the same row's button, and the end is announced
        Assert.True(await page.EvaluateAsync<bool>($"() => document.activeElement?.closest('tr')?.getAttribute('data-version') === '{spare}'"));
        Assert.Equal("The retraining run has ended; the tables show its result.", await page.Locator("#runs-announcer").TextContentAsync());
        var features = await page.EvaluateAsync<int>("() => JSON.parse(document.getElementById('model-charts').textContent).importanceNames.length");
        Assert.True(features >= 10, $"{features} features in the chart data");
        Assert.Equal(features, await page.EvaluateAsync<int>("() => Chart.getChart('importance-chart').scales.y.ticks.length"));
    }

    [Fact]
    public async Task Lock_QuestionDeclinedThenAccepted_LockedOnlyAfterYes()
    {
        // Arrange (UI review: Lock, a forced password reset and a refund acted on one click)
        var adminEmail = await CreateAdminAsync();
        var targetEmail = await CreateAdminAsync();
        string targetId;
        await using (var scope = host.Factory.Services.CreateAsyncScope())
        {
            targetId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(targetEmail))!.Id;
        }
        var page = await host.NewPageAsync();
        await SignInAsync(page, adminEmail, FraudWebFactory.Password);
        await page.GotoAsync($"/AdminUsers/Details/{targetId}");
        var answers = new Queue<bool>([false, true]);
        var questions = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            questions.Add(dialog.Message);
            if (answers.Dequeue()) await dialog.AcceptAsync();
            else await dialog.DismissAsync();
        };
        var lockButton = page.GetByRole(AriaRole.Button, new() { Name = "Lock", Exact = true });

        // Act: "no" first, then "yes"
        await lockButton.ClickAsync();
        await Task.Delay(300);
        var lockedAfterNo = await IsLockedAsync(targetId);
        await lockButton.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Unlock" }).WaitForAsync();

        // Assert
        Assert.False(lockedAfterNo);
        Assert.True(await IsLockedAsync(targetId));
        Assert.Equal(2, questions.Count);
        Assert.All(questions, q => Assert.StartsWith($"Lock {targetEmail}?", q, StringComparison.Ordinal));
    }

    private async Task<bool> IsLockedAsync(string id)
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.IsLockedOutAsync((await users.FindByIdAsync(id))!);
    }

    /// <summary>Where the element is in the page (not the viewport: leaving a field may scroll).</summary>
    private static Task<double> TopInPageAsync(ILocator element) =>
        element.EvaluateAsync<double>("e => e.getBoundingClientRect().top + window.scrollY");

    private async Task<string> CreateAdminAsync()
    {
        var email = host.Factory.NewEmail();
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedUtc = host.Factory.Clock.UtcNow };
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
        await page.AwayFromAsync("/Account/Login");
        await BrowserMfa.CompleteAsync(page, host.Factory, email);
    }

    private string InvitationPathFor(string email) =>
        Mailbox.LinkTo(Mailbox.MessagesTo(host.Factory, email).Single(), "/Account/AcceptInvitation");

    private static async Task Shot(IPage page, string name) =>
        await RecordShots.SaveAsync(page, name);
}
