using System.Net;
using System.Text;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>An administrator's lock is its own state: the self-service password reset neither mails nor lifts it.</summary>
public sealed class AdminLockTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private async Task<(string Id, string Email)> AdminLockedCustomerAsync()
    {
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var id = await factory.CreateUserAsync(Roles.Customer);
        var locked = await admin.PostAsync($"/AdminUsers/Lock/{id}", $"/AdminUsers/Details/{id}");
        Assert.Equal(HttpStatusCode.Redirect, locked.StatusCode);
        return (id, await factory.EmailOfAsync(id));
    }

    private int ResetMailsTo(string email) => Mailbox.MessagesTo(factory, email).Count(m => Mailbox.Subject(m) == "Reset your FraudWeb password");

    [Fact]
    public async Task ForgotPassword_AdminLockedAccount_SameConfirmationAndNoMail()
    {
        // Arrange
        var (_, email) = await AdminLockedCustomerAsync();
        using var client = factory.CreateBrowserClient();

        // Act
        var response = await Html.SubmitAsync(client, "/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = email });

        // Assert
        Assert.Equal("/Account/ForgotPasswordConfirmation", Html.Location(response));
        Assert.Equal(0, ResetMailsTo(email));
    }

    [Fact]
    public async Task ResetPassword_AdminLockedAccountWithValidToken_RefusedAndLockStays()
    {
        // Arrange
        var (id, email) = await AdminLockedCustomerAsync();
        string token;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            token = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync((await users.FindByIdAsync(id))!)));
        }
        using var client = factory.CreateBrowserClient();
        var resetPath = $"/Account/ResetPassword?token={token}";

        // Act
        var response = await Html.SubmitAsync(client, "/Account/ResetPassword", new Dictionary<string, string>
        {
            ["Email"] = email, ["Token"] = token, ["Password"] = "Reset-Pass-2024", ["ConfirmPassword"] = "Reset-Pass-2024",
        }, resetPath);

        // Assert
        Assert.NotEqual("/Account/ResetPasswordConfirmation", response.Headers.Location?.OriginalString);
        var lockoutEnd = await factory.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.LockoutEnd).FirstAsync());
        Assert.Equal(DateTimeOffset.MaxValue.Year, lockoutEnd!.Value.Year);
        using var again = factory.CreateBrowserClient();
        var signIn = await Html.SubmitAsync(again, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = "Reset-Pass-2024" });
        // The password did not change: the new one is a wrong password, answered as any wrong password is.
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(["The email or password is not correct."], Html.ValidationMessages(await Html.ParseAsync(signIn)));
    }

    [Fact]
    public async Task Login_AdminLockedAccountRightPassword_SaysAnAdministratorLockedItAndOffersNoReset()
    {
        // Arrange
        var (_, email) = await AdminLockedCustomerAsync();
        using var client = factory.CreateBrowserClient();

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = FraudWebFactory.Password });
        var page = await Html.GetPageAsync(client, Html.Location(response));

        // Assert: contact support, not "wait 15 minutes or reset the password" (no reset mail is sent for such an account)
        Assert.StartsWith("/Account/Lockout", Html.Location(response), StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-testid=locked-by-administrator]"));
        Assert.DoesNotContain("15 minutes", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("main a[href='/Account/ForgotPassword']"));
    }

    [Fact]
    public async Task Login_AdminLockedAccountWrongPassword_SameAnswerAsAnAddressWithoutAnAccount()
    {
        // Arrange (found in review: the lock was told at the first wrong password, while an address without an account
        // hears "not correct" until its fifth, so one guess showed that the address has an account)
        var (_, email) = await AdminLockedCustomerAsync();
        using var client = factory.CreateBrowserClient();
        using var other = factory.CreateBrowserClient();

        // Act
        var locked = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = "Not-The-Password-42" });
        var unknown = await Html.SubmitAsync(other, "/Account/Login", new Dictionary<string, string> { ["Email"] = $"nobody-{Guid.NewGuid():N}@example.com", ["Password"] = "Not-The-Password-42" });

        // Assert: the same form again with the same message
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(["The email or password is not correct."], Html.ValidationMessages(await Html.ParseAsync(locked)));
        Assert.Equal(["The email or password is not correct."], Html.ValidationMessages(await Html.ParseAsync(unknown)));
    }

    [Fact]
    public async Task Login_AdminLockedAccountAfterAsManyWrongPasswordsAsALockoutAllows_RightPasswordNoLongerTold()
    {
        // Arrange: someone guessing passwords against an administrator-locked account.
        var (_, email) = await AdminLockedCustomerAsync();
        using var client = factory.CreateBrowserClient();
        for (var i = 0; i < FraudWebFactory.MaxFailedAccessAttempts; i++)
        {
            var wrong = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = $"Not-The-Password-{i}" });
            // As any account: "not correct" until the last one the lockout allows, which locks (and says so, without which lock).
            if (i < FraudWebFactory.MaxFailedAccessAttempts - 1) Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            else
            {
                Assert.Equal("/Account/Lockout", Html.Location(wrong));
                var page = await Html.GetPageAsync(client, Html.Location(wrong));
                Assert.Null(page.QuerySelector("[data-testid=locked-by-administrator]"));
                Assert.Contains("15 minutes", page.Body!.TextContent, StringComparison.Ordinal);
            }
        }

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = FraudWebFactory.Password });

        // Assert: the right password now gets the usual answer, so guessing learns nothing; the lock is still the administrator's.
        Assert.Equal("/Account/Lockout", Html.Location(response));
        var lockoutEnd = await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.LockoutEnd).SingleAsync());
        Assert.Equal(DateTimeOffset.MaxValue.Year, lockoutEnd!.Value.Year);
    }

    [Fact]
    public async Task Login_AdminLockedAccountOnceTheLockoutsLengthHasPassed_AnsweredAsAnyAccountAgain()
    {
        // Arrange (review: the lockout page says 15 minutes, and behind an administrator's lock it lasted for good, which
        // showed the lock to whoever waited): a lockout's worth of wrong passwords, 16 minutes ago.
        var (_, email) = await AdminLockedCustomerAsync();
        using var client = factory.CreateBrowserClient();
        for (var i = 0; i < FraudWebFactory.MaxFailedAccessAttempts; i++)
        {
            await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = $"Not-The-Password-{i}" });
        }
        var within = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = "Not-The-Password-x" });
        var lockoutAgo = factory.Clock.UtcNow - TimeSpan.FromMinutes(16);
        await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastFailedAccessUtc, lockoutAgo)));

        // Act
        var wrong = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = "Not-The-Password-y" });
        var right = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = FraudWebFactory.Password });

        // Assert: locked within the 15 minutes, "not correct" after them as for an address without an account, and the
        // right password hears whose lock it is; the administrator's lock stays
        Assert.Equal("/Account/Lockout", Html.Location(within));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(["The email or password is not correct."], Html.ValidationMessages(await Html.ParseAsync(wrong)));
        var page = await Html.GetPageAsync(client, Html.Location(right));
        Assert.NotNull(page.QuerySelector("[data-testid=locked-by-administrator]"));
        var lockoutEnd = await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.LockoutEnd).SingleAsync());
        Assert.Equal(DateTimeOffset.MaxValue.Year, lockoutEnd!.Value.Year);
    }

    [Fact]
    public async Task ForcePasswordReset_AdminLockedAccount_NoMailAndThePageAndAuditSaySo()
    {
        // Arrange
        var (id, email) = await AdminLockedCustomerAsync();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

        // Act
        var response = await admin.PostAsync($"/AdminUsers/ResetPassword/{id}", $"/AdminUsers/Details/{id}");
        var page = await Html.GetPageAsync(admin.Client, Html.Location(response));

        // Assert: a reset link would not work on a locked account, so none is sent, and nobody is told one was.
        Assert.Equal(0, ResetMailsTo(email));
        Assert.Contains("no reset link was emailed", page.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        var after = await factory.QueryAsync(db => db.Set<FraudWeb.Domain.Entities.AuditEntry>()
            .Where(e => e.TargetId == id && e.Action == FraudWeb.Services.Admin.AuditActions.UserPasswordReset).Select(e => e.After).SingleAsync());
        Assert.Contains("\"ResetLinkSent\":false", after, StringComparison.Ordinal);
        Assert.Null(await factory.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.PasswordHash).SingleAsync()));
    }
}
