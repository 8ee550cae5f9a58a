using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Email;

/// <summary>
/// The mail folder stops being writable after start-up (a full disk, a changed mount): each page says so in words,
/// nothing half-made is kept, and the same action works once mail does. Each test breaks the folder only while it acts.
/// </summary>
public sealed class MailFaultTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    /// <summary>Replaces the pickup folder with a file of the same name until disposed: every write there fails.</summary>
    private sealed class BrokenMail : IDisposable
    {
        private readonly string _folder;
        private readonly string _held;

        public BrokenMail(FraudWebFactory app)
        {
            _folder = app.MailDirectory;
            _held = _folder + ".held-" + Guid.NewGuid().ToString("N");
            Directory.Move(_folder, _held);
            File.WriteAllText(_folder, "");
        }

        public void Dispose()
        {
            File.Delete(_folder);
            Directory.Move(_held, _folder);
        }
    }

    private async Task<StaffSession> AdminAsync() => await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

    private Task<bool> AccountExistsAsync(string email) => factory.QueryAsync(db => db.Users.AnyAsync(u => u.Email == email));

    [Fact]
    public async Task Register_MailCannotBeWritten_FormSaysSoKeepsNothingAndWorksOnceMailDoes()
    {
        // Arrange
        _ = factory.Services;
        using var session = CardHolderSession.Anonymous(factory);
        var registration = new RegistrationBuilder(session.Email, FraudWebFactory.Password);
        var logged = factory.Logs.Entries.Count;

        // Act
        HttpResponseMessage refused;
        using (new BrokenMail(factory)) refused = await session.RegisterAsync(registration);
        var existsAfterFault = await AccountExistsAsync(session.Email);
        var again = await session.RegisterAsync(registration);

        // Assert: the form again, in words, nothing kept; an error for the operator; then the usual path
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(AccountService.MailNotSent, Html.ValidationMessages(await Html.ParseAsync(refused)));
        Assert.False(existsAfterFault);
        Assert.Contains(factory.Logs.Entries.Skip(logged), e => e.StartsWith("Error", StringComparison.Ordinal) && e.Contains("pickup folder", StringComparison.Ordinal));
        Assert.Equal("/Account/RegisterConfirmation", Html.Location(again));
        await CardHolderSession.ConfirmAndSignInAsync(factory, session.Client, session.Email);
    }

    [Fact]
    public async Task Register_ExistingAddressMailCannotBeWritten_SameWordsAsANewAddress()
    {
        // Arrange: an account that has the address (so registering again mails its owner)
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        using var session = CardHolderSession.Anonymous(factory, email);

        // Act
        HttpResponseMessage refused;
        using (new BrokenMail(factory)) refused = await session.RegisterAsync(new RegistrationBuilder(email, "Another 88 long password here"));

        // Assert: and the attempt's record (ADR 0031) went with the mail, as a new address's account does.
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(AccountService.MailNotSent, Html.ValidationMessages(await Html.ParseAsync(refused)));
        Assert.False(await factory.QueryAsync(db => db.UserTokens.AnyAsync(t => t.Name == AccountService.RegisteredAgainToken
            && db.Users.Any(u => u.Id == t.UserId && u.Email == email))));
    }

    [Fact]
    public async Task ForgotPassword_MailCannotBeWritten_UsualPageNoErrorPage()
    {
        // Arrange
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        using var client = factory.CreateBrowserClient();
        var logged = factory.Logs.Entries.Count;

        // Act
        HttpResponseMessage response;
        using (new BrokenMail(factory))
        {
            response = await Html.SubmitAsync(client, "/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = email });
            // The mail is written after the answer (docs/decisions/0031): still while the folder is broken.
            Mailbox.WaitForQueuedMail(factory);
        }

        // Assert: the page an unknown address gets too, and the fault logged for the operator
        Assert.Equal("/Account/ForgotPasswordConfirmation", Html.Location(response));
        Assert.Contains(factory.Logs.Entries.Skip(logged), e => e.StartsWith("Error", StringComparison.Ordinal) && e.Contains("pickup folder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invite_MailCannotBeWritten_FormSaysSoAndNoAccountOrAuditKept()
    {
        // Arrange
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var fields = new Dictionary<string, string> { ["Email"] = email, ["Roles"] = Roles.Analyst };

        // Act
        HttpResponseMessage refused;
        using (new BrokenMail(factory)) refused = await admin.PostAsync("/AdminUsers/Invite", "/AdminUsers/Invite", fields);
        var existsAfterFault = await AccountExistsAsync(email);
        var again = await admin.PostAsync("/AdminUsers/Invite", "/AdminUsers/Invite", fields);

        // Assert
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(AdminUserService.InvitationNotSent, Html.ValidationMessages(await Html.ParseAsync(refused)));
        Assert.False(existsAfterFault);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("/AcceptInvitation", Mailbox.MessageTo(factory, email, "You are invited to FraudWeb"), StringComparison.Ordinal);
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());
        Assert.Single(await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == id && e.Action == AuditActions.UserCreate).ToListAsync()));
    }

    [Fact]
    public async Task ResetPassword_MailCannotBeWritten_ResetStandsAdminToldAuditSaysNotSent()
    {
        // Arrange
        using var admin = await AdminAsync();
        var id = await factory.CreateUserAsync(Roles.Customer);

        // Act
        HttpResponseMessage response;
        using (new BrokenMail(factory)) response = await admin.PostAsync($"/AdminUsers/ResetPassword/{id}", $"/AdminUsers/Details/{id}");
        var details = await Html.GetPageAsync(admin.Client, Html.Location(response));

        // Assert: the password is gone (what protects the account), the administrator is told the mail did not go
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AdminUserService.ResetMailNotSent, details.QuerySelector("[data-testid=admin-error]")!.TextContent.Trim());
        Assert.Null(await factory.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.PasswordHash).FirstAsync()));
        var entry = Assert.Single(await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == id && e.Action == AuditActions.UserPasswordReset).ToListAsync()));
        Assert.Contains("\"ResetLinkSent\":false", entry.After, StringComparison.Ordinal);
    }
}
