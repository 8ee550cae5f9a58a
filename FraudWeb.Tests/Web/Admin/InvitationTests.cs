using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>Staff are invited with an address and roles; the invitation mail says so and its link sets the first password, once.</summary>
public sealed class InvitationTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private const string NewPassword = "Lantern orchard 73 violet";

    private async Task<StaffSession> AdminAsync() => await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

    private async Task<string> InviteAsync(StaffSession admin, string email, params string[] roles)
    {
        var fields = roles.Select(r => new KeyValuePair<string, string>("Roles", r)).Append(new("Email", email));
        var response = await admin.PostAsync("/AdminUsers/Invite", "/AdminUsers/Invite", fields);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Mailbox.LinkTo(Mailbox.MessageTo(factory, email, "You are invited to FraudWeb"), "/Account/AcceptInvitation");
    }

    private static Dictionary<string, string> AcceptForm(string link, string password = NewPassword)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(FraudWebFactory.HttpsBaseAddress, link).Query);
        // The link carries its token alone: it names the account.
        return new() { ["Token"] = query["token"]!, ["Password"] = password, ["ConfirmPassword"] = password };
    }

    [Fact]
    public async Task Invite_Analyst_AccountWithRoleNoProfileInvitationMailAndAudit()
    {
        // Arrange
        using var admin = await AdminAsync();
        var email = factory.NewEmail();

        // Act
        await InviteAsync(admin, email, Roles.Analyst);

        // Assert
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());
        var roles = await factory.QueryAsync(db => db.UserRoles.Where(r => r.UserId == id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync());
        Assert.Equal([Roles.Analyst], roles);
        Assert.False(await factory.QueryAsync(db => db.CardHolders.AnyAsync(h => h.UserId == id)));
        Assert.Null(await factory.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.PasswordHash).FirstAsync()));
        var mail = Mailbox.MessageTo(factory, email, "You are invited to FraudWeb");
        Assert.Contains("staff account", mail, StringComparison.Ordinal);
        Assert.Contains("7 days", mail, StringComparison.Ordinal);
        Assert.Contains("two-step sign-in", mail, StringComparison.Ordinal);
        Assert.DoesNotContain("reset", mail, StringComparison.OrdinalIgnoreCase);
        var entry = Assert.Single(await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == id).ToListAsync()));
        Assert.Equal(AuditActions.UserCreate, entry.Action);
        Assert.Contains("\"Invited\":true", entry.After, StringComparison.Ordinal);
        var details = await Html.GetPageAsync(admin.Client, $"/AdminUsers/Details/{id}");
        Assert.Equal("Waiting for a password", details.QuerySelector("[data-testid=status]")!.TextContent.Trim());
    }

    [Theory]
    [InlineData("")]
    [InlineData(Roles.Customer)]
    public async Task Invite_NoStaffRole_SaysChooseARoleAndCreatesNothing(string role)
    {
        // Arrange
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var fields = new Dictionary<string, string> { ["Email"] = email };
        if (role.Length > 0) fields["Roles"] = role;

        // Act
        var response = await admin.PostAsync("/AdminUsers/Invite", "/AdminUsers/Invite", fields);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Choose at least one staff role.", Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.False(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Email == email)));
        Assert.Empty(Mailbox.MessagesTo(factory, email));
    }

    [Fact]
    public async Task AcceptInvitation_ValidLinkUsedTwice_FirstSetsPasswordSecondRefused()
    {
        // Arrange
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var link = await InviteAsync(admin, email, Roles.Analyst);
        using var browser = factory.CreateBrowserClient();

        // Act
        var accepted = await Html.SubmitAsync(browser, "/Account/AcceptInvitation", AcceptForm(link), link);
        var again = await Html.SubmitAsync(browser, "/Account/AcceptInvitation", AcceptForm(link, "Another orchard 88 amber"), link);

        // Assert: the first answer leads to sign-in, where the chosen password works; the second changes nothing
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("/Account/Login", Html.Location(accepted));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("already used", (await Html.ParseAsync(again)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        using var signIn = factory.CreateBrowserClient();
        var response = await Html.SubmitAsync(signIn, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = NewPassword });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("/Account/Login", Html.Location(response), StringComparison.Ordinal);
        var set = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.Action == AuditActions.UserPasswordSet
            && e.TargetId == db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstOrDefault()).Select(e => e.After).ToListAsync());
        Assert.Equal(["{\"Via\":\"invitation\"}"], set);
    }

    [Fact]
    public async Task Invite_MailedLink_NamesNoAddressAndSetsThePassword()
    {
        // Arrange
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var link = await InviteAsync(admin, email, Roles.Analyst);
        using var browser = factory.CreateBrowserClient();

        // Act
        var page = await Html.GetPageAsync(browser, link);
        var accepted = await Html.SubmitAsync(browser, "/Account/AcceptInvitation", new Dictionary<string, string>
        {
            ["Token"] = page.QuerySelector("input[name=Token]")!.GetAttribute("value")!, ["Password"] = NewPassword, ["ConfirmPassword"] = NewPassword,
        }, link);

        // Assert: the token names the account, the page shows whose it is, and the password is set
        Assert.DoesNotContain("@", Uri.UnescapeDataString(link), StringComparison.Ordinal);
        Assert.DoesNotContain("email=", link, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(email, page.QuerySelector("input[name=Email]")!.GetAttribute("value"));
        Assert.Equal("/Account/Login", Html.Location(accepted));
        Assert.NotNull(await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PasswordHash).FirstAsync()));
    }

    [Fact]
    public async Task AcceptInvitation_LinkMailedBeforeWithTheAddress_RedirectedWithoutIt()
    {
        // Arrange: an invitation link as mailed before this release, the address in its query
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var link = await InviteAsync(admin, email, Roles.Analyst);
        using var browser = factory.CreateBrowserClient();

        // Act
        var opened = await browser.GetAsync(new Uri($"{link}&email={Uri.EscapeDataString(email)}", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal(link, Html.Location(opened));
    }

    [Fact]
    public async Task AcceptInvitation_DetailsFieldsAddedToTheForm_IgnoredAndTheInvitationAccepted()
    {
        // Arrange (diff review: the form shares the reset's model, whose details a reset link of an unconfirmed
        // registration asks for; a hand-made form with them, invalid, blocked the invitation without a message)
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var link = await InviteAsync(admin, email, Roles.Analyst);
        using var browser = factory.CreateBrowserClient();
        var form = AcceptForm(link);
        form["Details.FullName"] = "";
        form["Details.DateOfBirth"] = "abc";

        // Act
        var accepted = await Html.SubmitAsync(browser, "/Account/AcceptInvitation", form, link);

        // Assert
        Assert.Equal("/Account/Login", Html.Location(accepted));
        Assert.False(await factory.QueryAsync(db => db.CardHolders.AnyAsync(h => db.Users.Any(u => u.Id == h.UserId && u.Email == email))));
    }

    [Fact]
    public async Task ResetPassword_InviteeWhoNeverChoseOne_ButtonSendsANewInvitationThatSetsThePassword()
    {
        // Arrange: the invitation was lost or expired; the invitation mail says to ask for a new link
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        await InviteAsync(admin, email, Roles.Analyst);
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());
        var details = await Html.GetPageAsync(admin.Client, $"/AdminUsers/Details/{id}");
        DeleteMailTo(email);

        // Act
        var reset = await admin.PostAsync($"/AdminUsers/ResetPassword/{id}", $"/AdminUsers/Details/{id}");
        var after = await Html.GetPageAsync(admin.Client, Html.Location(reset));
        var mail = Mailbox.MessageTo(factory, email, "You are invited to FraudWeb");
        var link = Mailbox.LinkTo(mail, "/Account/AcceptInvitation");
        using var browser = factory.CreateBrowserClient();
        var chosen = await Html.SubmitAsync(browser, "/Account/AcceptInvitation", AcceptForm(link), link);

        // Assert: an invitation again (a staff account, two-step sign-in), not a reset mail saying a password stays as it is
        Assert.Equal("Send a new link to choose a password", details.QuerySelector("[data-testid=reset-password]")!.TextContent.Trim());
        Assert.Contains("A new invitation link has been emailed", after.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("two-step sign-in", mail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.NotNull(await factory.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.PasswordHash).FirstAsync()));
    }

    [Fact]
    public async Task LockThenUnlock_InviteeWhoNeverChoseAPassword_EachPageSaysTheLinkNoLongerWorksAndWhatToDo()
    {
        // Arrange (staff test: the lock voided the mailed invitation, and neither page said so)
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        await InviteAsync(admin, email, Roles.Analyst);
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());
        var link = Mailbox.LinkTo(Mailbox.MessageTo(factory, email, "You are invited to FraudWeb"), "/Account/AcceptInvitation");

        // Act
        var locked = await Html.GetPageAsync(admin.Client, Html.Location(await admin.PostAsync($"/AdminUsers/Lock/{id}", $"/AdminUsers/Details/{id}")));
        var unlocked = await Html.GetPageAsync(admin.Client, Html.Location(await admin.PostAsync($"/AdminUsers/Unlock/{id}", $"/AdminUsers/Details/{id}")));
        using var browser = factory.CreateBrowserClient();
        var accepted = await Html.SubmitAsync(browser, "/Account/AcceptInvitation", AcceptForm(link), link);

        // Assert: what the pages say is so (the old link is refused), and the button they name is on the page
        Assert.Contains("no longer works: once it is unlocked, use \"Send a new link to choose a password\"", locked.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("a link mailed before the lock no longer works", unlocked.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Send a new link to choose a password", unlocked.QuerySelector("[data-testid=reset-password]")!.TextContent.Trim());
        Assert.Null(await factory.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.PasswordHash).FirstAsync()));
        Assert.NotEqual(HttpStatusCode.Redirect, accepted.StatusCode);
    }

    [Fact]
    public async Task ResetPassword_InvitedInChineseByAnEnglishAdmin_NewInvitationInChinese()
    {
        // Arrange (accounts review: the new link went out as a reset mail in the sending administrator's language)
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var invited = await admin.PostAsync("/AdminUsers/Invite", "/AdminUsers/Invite", [new("Email", email), new("Roles", Roles.Analyst), new("Language", "zh-CN")]);
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());
        DeleteMailTo(email);

        // Act
        await admin.PostAsync($"/AdminUsers/ResetPassword/{id}", $"/AdminUsers/Details/{id}");

        // Assert
        Assert.Equal(Chinese.Of("You are invited to FraudWeb"), Mailbox.Subject(Assert.Single(Mailbox.MessagesTo(factory, email))));
    }

    [Fact]
    public async Task ResetPassword_AccountWithAPassword_MailSaysAnAdministratorResetIt()
    {
        // Arrange (accounts review: the self-service mail said "ignore this message: your password stays as it is")
        using var admin = await AdminAsync();
        var id = await factory.CreateUserAsync(Roles.Customer);
        var email = await factory.EmailOfAsync(id);

        // Act
        await admin.PostAsync($"/AdminUsers/ResetPassword/{id}", $"/AdminUsers/Details/{id}");

        // Assert
        var mail = Mailbox.MessageTo(factory, email, "Your FraudWeb password was reset");
        Assert.Contains("An administrator has reset the password of your FraudWeb account", mail, StringComparison.Ordinal);
        Assert.DoesNotContain("stays as it is", mail, StringComparison.Ordinal);
        Assert.Contains("/Account/ResetPassword", Mailbox.LinkTo(mail, "/Account/ResetPassword"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetPassword_HolderRegisteredInChinese_MailInChineseWithAChineseLink()
    {
        // Arrange (Chinese review: a holder who registered in Chinese got the English administrator's language)
        using var admin = await AdminAsync();
        using var holder = CardHolderSession.Anonymous(factory);
        holder.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
        Assert.Equal("/Account/RegisterConfirmation", Html.Location(await holder.RegisterAsync(new RegistrationBuilder(holder.Email, FraudWebFactory.Password))));
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).FirstAsync());

        // Act
        await admin.PostAsync($"/AdminUsers/ResetPassword/{id}", $"/AdminUsers/Details/{id}");

        // Assert
        var mail = Mailbox.MessageTo(factory, holder.Email, Chinese.Of("Your FraudWeb password was reset"));
        Assert.Contains("culture=zh-CN", Mailbox.LinkTo(mail, "/Account/ResetPassword"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetPassword_HolderSwitchedToChineseWhileSignedIn_MailInChinese()
    {
        // Arrange: registered in English, then the footer's switch
        using var admin = await AdminAsync();
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var page = await Html.GetPageAsync(holder.Client, "/Profile");
        var token = page.QuerySelector("form[action='/Language/Set'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var switched = await holder.Client.PostAsync(new Uri("/Language/Set", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("culture", "zh-CN"), new("returnUrl", "/Profile")]));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).FirstAsync());

        // Act
        await admin.PostAsync($"/AdminUsers/ResetPassword/{id}", $"/AdminUsers/Details/{id}");

        // Assert
        Assert.Equal(Chinese.Of("Your FraudWeb password was reset"), Mailbox.Subject(Assert.Single(Mailbox.MessagesTo(factory, holder.Email), m => Mailbox.Subject(m) != "Confirm your FraudWeb account")));
    }

    [Fact]
    public async Task ResetPassword_HolderChoseChineseOnTheSignInPage_MailInChinese()
    {
        // Arrange: registered in English; later, signed out, the footer's switch on the sign-in page, then signing in
        using var admin = await AdminAsync();
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await holder.SignOutAsync();
        var page = await Html.GetPageAsync(holder.Client, "/Account/Login");
        var token = page.QuerySelector("form[action='/Language/Set'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var switched = await holder.Client.PostAsync(new Uri("/Language/Set", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("culture", "zh-CN"), new("returnUrl", "/Account/Login")]));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.SignInAsync(FraudWebFactory.Password)).StatusCode);
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).FirstAsync());

        // Act
        await admin.PostAsync($"/AdminUsers/ResetPassword/{id}", $"/AdminUsers/Details/{id}");

        // Assert: the language they chose and use the site in, not the one they registered in
        Assert.Equal(Chinese.Of("Your FraudWeb password was reset"), Mailbox.Subject(Assert.Single(Mailbox.MessagesTo(factory, holder.Email), m => Mailbox.Subject(m) != "Confirm your FraudWeb account")));
    }

    private void DeleteMailTo(string email)
    {
        foreach (var file in Directory.GetFiles(factory.MailDirectory, "*.eml").Where(f => File.ReadAllText(f).Contains("To: " + email, StringComparison.Ordinal)))
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AcceptInvitation_PasswordResetLinkToken_Refused()
    {
        // Arrange: the invited person asks for a reset link instead; its token is for resets only
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var invitation = await InviteAsync(admin, email, Roles.Analyst);
        using var browser = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(browser, "/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = email })).StatusCode);
        var reset = Mailbox.LinkTo(Mailbox.MessageTo(factory, email, "Reset your FraudWeb password"), "/Account/ResetPassword");
        var form = AcceptForm(reset);

        // Act
        var response = await Html.SubmitAsync(browser, "/Account/AcceptInvitation", form, invitation);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PasswordHash).FirstAsync()));
    }

    [Fact]
    public async Task Invite_EnglishAdminChoosesChinese_ChineseSubjectAndBodyAndTheLinkWorks()
    {
        // Arrange: the administrator's pages are English
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var fields = new Dictionary<string, string> { ["Email"] = email, ["Roles"] = Roles.Analyst, ["Language"] = "zh-CN" };

        // Act
        var response = await admin.PostAsync("/AdminUsers/Invite", "/AdminUsers/Invite", fields);

        // Assert: the mail is Chinese from subject to last line, the confirmation on the admin's page English
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var message = Assert.Single(Mailbox.MessagesTo(factory, email));
        Assert.Equal(Chinese.Of("You are invited to FraudWeb"), Mailbox.Subject(message));
        // Each paragraph is one translated text, its sentences joined the Chinese way (no space after "。").
        Assert.Contains(Chinese.Of("You are invited to FraudWeb: an administrator has opened a FraudWeb staff account for you. To start, {0}.").Split("{0}")[0], message, StringComparison.Ordinal);
        Assert.Contains(Chinese.Of("The link works for {0:0} days. If it has expired, ask your administrator to send you a new link.", 7.0), message, StringComparison.Ordinal);
        Assert.DoesNotContain("。 ", message, StringComparison.Ordinal);
        Assert.Contains(Chinese.Of("After choosing your password you will set up two-step sign-in with an authenticator app: staff accounts need it."), message, StringComparison.Ordinal);
        Assert.DoesNotContain("You are invited", message, StringComparison.Ordinal);
        var details = await admin.Client.GetAsync(new Uri(Html.Location(response), UriKind.Relative));
        Assert.Contains("has been sent an invitation", await details.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var browser = factory.CreateBrowserClient();
        var link = Mailbox.LinkTo(message, "/Account/AcceptInvitation");
        var accepted = await Html.SubmitAsync(browser, "/Account/AcceptInvitation", AcceptForm(link), link);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("/Account/Login", Html.Location(accepted));
        Assert.NotNull(await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PasswordHash).FirstAsync()));
    }

    [Theory]
    [InlineData("en", "English")]
    [InlineData("zh-CN", "简体中文")]
    public async Task Invite_NoLanguageChosen_FormAndMailFollowTheAdminsLanguage(string culture, string checkedName)
    {
        // Arrange: the administrator reads the pages in this language
        using var admin = await AdminAsync();
        admin.Client.DefaultRequestHeaders.Add("Accept-Language", culture);
        var email = factory.NewEmail();
        var subject = culture == "en" ? "You are invited to FraudWeb" : Chinese.Of("You are invited to FraudWeb");

        // Act
        var form = await Html.GetPageAsync(admin.Client, "/AdminUsers/Invite");
        var response = await admin.PostAsync("/AdminUsers/Invite", "/AdminUsers/Invite", new Dictionary<string, string> { ["Email"] = email, ["Roles"] = Roles.Analyst });

        // Assert: the form offers both languages with the admin's chosen, and a post without a choice writes in it
        var radios = form.QuerySelectorAll("input[type=radio][name=Language]");
        Assert.Equal(["en", "zh-CN"], radios.Select(r => r.GetAttribute("value")));
        var chosen = Assert.Single(radios, r => r.HasAttribute("checked"));
        Assert.Equal(culture, chosen.GetAttribute("value"));
        Assert.Equal(checkedName, form.QuerySelector($"label[for=language-{culture}]")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(subject, Mailbox.Subject(Assert.Single(Mailbox.MessagesTo(factory, email))));
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("zh")]
    [InlineData("ZH-cn")]
    [InlineData("en<script>")]
    public async Task Invite_UnsupportedLanguage_SaysChooseALanguageAndSendsNothing(string language)
    {
        // Arrange
        using var admin = await AdminAsync();
        var email = factory.NewEmail();
        var fields = new Dictionary<string, string> { ["Email"] = email, ["Roles"] = Roles.Analyst, ["Language"] = language };

        // Act
        var response = await admin.PostAsync("/AdminUsers/Invite", "/AdminUsers/Invite", fields);

        // Assert: the form again, with the message by the language choice, the address kept, and nothing created or sent
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("Choose English or Simplified Chinese for the invitation.", page.QuerySelector("[data-valmsg-for=Language]")!.TextContent.Trim());
        Assert.Equal(email, page.QuerySelector("input[name=Email]")!.GetAttribute("value"));
        Assert.False(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Email == email)));
        Assert.Empty(Mailbox.MessagesTo(factory, email));
    }

    [Fact]
    public async Task AcceptInvitation_NoToken_ShowsInvalidLinkPage()
    {
        // Arrange
        using var browser = factory.CreateBrowserClient();

        // Act
        var page = await Html.GetPageAsync(browser, "/Account/AcceptInvitation?email=someone%40example.com");

        // Assert
        Assert.Equal("Invitation link not valid", page.QuerySelector("h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task Invite_NoRole_EveryRoleBoxNamesTheMessage()
    {
        // Arrange
        using var admin = await AdminAsync();

        // Act
        var response = await admin.PostAsync("/AdminUsers/Invite", "/AdminUsers/Invite", [new("Email", factory.NewEmail())]);

        // Assert: the page comes back; every role's box is marked invalid and names the message (WCAG 3.3.1), so the
        // focus moves to the first of them and a screen reader says what to fix
        var page = await Html.ParseAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(page.QuerySelectorAll("input[name=Roles]"), box => Assert.Equal("true", box.GetAttribute("aria-invalid")));
        Assert.Empty(Html.UnlinkedErrors(page));
    }
}
