using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>
/// A person changes their own address: the current password, a link to the new address that changes it only when the
/// same account follows it, and notices to the old address; an address another account has is never revealed.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ChangeEmailTests(FraudWebFactory factory)
{
    private const string LinkSubject = "Confirm your new FraudWeb email address";
    private const string AskedSubject = "A change of your FraudWeb email address was asked for";
    private const string ChangedSubject = "Your FraudWeb email address was changed";
    private const string TakenSubject = "Someone asked to use your address on FraudWeb";

    private static Task<HttpResponseMessage> AskAsync(HttpClient client, string newEmail, string password = FraudWebFactory.Password) =>
        Html.SubmitAsync(client, "/Account/ChangeEmail", new Dictionary<string, string> { ["NewEmail"] = newEmail, ["CurrentPassword"] = password });

    /// <summary>The path and query of the link mailed to <paramref name="newEmail"/>.</summary>
    private string LinkMailedTo(string newEmail) => Mailbox.LinkTo(Mailbox.MessageTo(factory, newEmail, LinkSubject), "/Account/ConfirmEmailChange");

    /// <summary>Opens the mailed link and presses its button, as the person would (a link not valid answers at once).</summary>
    private static async Task<HttpResponseMessage> FollowAsync(HttpClient client, string link)
    {
        var opened = await client.GetAsync(new Uri(link, UriKind.Relative));
        var page = await Html.ParseAsync(opened);
        if (page.QuerySelector("input[name=Token]")?.GetAttribute("value") is not { } token) return opened;
        return await Html.SubmitAsync(client, "/Account/ConfirmEmailChange", new Dictionary<string, string> { ["Token"] = token }, link);
    }

    private Task<(string? Email, string? UserName, bool Confirmed)> AccountAsync(string id) =>
        factory.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => new ValueTuple<string?, string?, bool>(u.Email, u.UserName, u.EmailConfirmed)).SingleAsync());

    private Task<string> IdOfAsync(string email) => factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    private static async Task<bool> IsInvalidPageAsync(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.OK
        && (await response.Content.ReadAsStringAsync()).Contains("Email change link not valid", StringComparison.Ordinal);

    [Fact]
    public async Task ChangeEmail_LinkFollowed_AddressAndSignInNameChangeAndProfileShowsIt()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await IdOfAsync(holder.Email);
        var newEmail = factory.NewEmail();
        var asked = await AskAsync(holder.Client, newEmail);
        Assert.Equal("/Profile", Html.Location(asked));
        Assert.Equal((holder.Email, holder.Email, true), await AccountAsync(id));

        // Act
        var followed = await FollowAsync(holder.Client, LinkMailedTo(newEmail));

        // Assert: the address and the sign-in name are the new one, confirmed; this session goes on under it
        Assert.Equal("/Profile", Html.Location(followed));
        Assert.Equal((newEmail, newEmail, true), await AccountAsync(id));
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        Assert.Contains($"Your email address is now {newEmail}.", profile.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains(newEmail, profile.QuerySelector("[data-testid=signed-in-as]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(profile.QuerySelectorAll("dd"), dd => dd.TextContent.Trim() == newEmail);
        await holder.SignOutAsync();
        using var later = factory.CreateBrowserClient();
        Assert.Equal("/Profile", Html.Location(await MfaSteps.SignInAsync(factory, later, newEmail, FraudWebFactory.Password)));
        using var withOld = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.OK, (await MfaSteps.SignInAsync(factory, withOld, holder.Email, FraudWebFactory.Password)).StatusCode);
    }

    [Fact]
    public async Task ChangeEmail_AnalystWithDecisions_RecordsNamingThemFollowTheNewAddress()
    {
        // Arrange (review finding: labels and decisions keep the sign-in name they were made under, so after a change
        // of address the erasure, which replaces the current name only, left the old address there for staff to read)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var payment = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 23m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(payment, ReportKind.NotMe, "Not me.")).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.DecideAsync(payment, confirm: true)).StatusCode);
        var newEmail = factory.NewEmail();
        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(analyst.Client, newEmail)).StatusCode);

        // Act
        var followed = await FollowAsync(analyst.Client, LinkMailedTo(newEmail));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, followed.StatusCode);
        Assert.Equal((newEmail, newEmail), await factory.QueryAsync(async db => (
            await db.Transactions.Where(t => t.Id == payment).Select(t => t.LabelledBy).SingleAsync(),
            await db.FraudReports.Where(r => r.TransactionId == payment).Select(r => r.DecidedBy).SingleAsync())));
    }

    [Fact]
    public async Task ChangeEmail_Asked_OldAddressToldThenToldAgainOnceChanged()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var newEmail = factory.NewEmail();

        // Act
        await AskAsync(holder.Client, newEmail);
        var asked = Mailbox.MessageTo(factory, holder.Email, AskedSubject);
        await FollowAsync(holder.Client, LinkMailedTo(newEmail));

        // Assert: told of the request (with the address and how to stop it) and of the change
        Assert.Contains(newEmail, asked, StringComparison.Ordinal);
        Assert.Contains("Forgot your password?", asked, StringComparison.Ordinal);
        Assert.DoesNotContain("/Account/ConfirmEmailChange", asked, StringComparison.Ordinal);
        var changed = Mailbox.MessageTo(factory, holder.Email, ChangedSubject);
        Assert.Contains(newEmail, changed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeEmail_LinkFollowedTwice_SecondTimeSaysTheAddressIsAlreadyTheNewOne()
    {
        // Arrange (review finding: the second time, or a double click's second request, said "Your email address has
        // not changed", though it had)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);
        var link = LinkMailedTo(newEmail);
        Assert.Equal("/Profile", Html.Location(await FollowAsync(holder.Client, link)));
        var mails = Mailbox.MessagesTo(factory, holder.Email).Count + Mailbox.MessagesTo(factory, newEmail).Count;

        // Act
        var again = await FollowAsync(holder.Client, link);

        // Assert: nothing done a second time, and the page says where things stand
        Assert.Equal("/Profile", Html.Location(again));
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        Assert.Contains($"Your email address is already {newEmail}.", profile.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(mails, Mailbox.MessagesTo(factory, holder.Email).Count + Mailbox.MessagesTo(factory, newEmail).Count);
    }

    [Fact]
    public async Task ChangeEmail_UsedLinkAfterTheAddressCameBack_InvalidAndAddressUnchanged()
    {
        // Arrange (review finding: a link is bound to the address it was made from, so after A -> B -> A the first
        // link verified again and moved the account to B a second time, though its mail says it works once)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await IdOfAsync(holder.Email);
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);
        var toNew = LinkMailedTo(newEmail);
        Assert.Equal("/Profile", Html.Location(await FollowAsync(holder.Client, toNew)));
        await AskAsync(holder.Client, holder.Email);
        Assert.Equal("/Profile", Html.Location(await FollowAsync(holder.Client, LinkMailedTo(holder.Email))));
        Assert.Equal((holder.Email, holder.Email, true), await AccountAsync(id));

        // Act
        var again = await FollowAsync(holder.Client, toNew);

        // Assert
        Assert.True(await IsInvalidPageAsync(again));
        Assert.Equal((holder.Email, holder.Email, true), await AccountAsync(id));
    }

    [Fact]
    public async Task ResetPassword_LinkMailedBeforeTheAddressLeftAndCameBack_Invalid()
    {
        // Arrange (review: a reset link was bound to the password and the address only, so after A -> B -> A within
        // its two hours it worked again); a reset link to A, then the address away and back.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        using (var anonymous = factory.CreateBrowserClient())
        {
            await Html.SubmitAsync(anonymous, "/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = holder.Email });
        }
        var reset = Mailbox.LinkTo(Mailbox.MessageTo(factory, holder.Email, "Reset your FraudWeb password"), "/Account/ResetPassword");
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);
        Assert.Equal("/Profile", Html.Location(await FollowAsync(holder.Client, LinkMailedTo(newEmail))));
        await AskAsync(holder.Client, holder.Email);
        Assert.Equal("/Profile", Html.Location(await FollowAsync(holder.Client, LinkMailedTo(holder.Email))));

        // Act
        using var client = factory.CreateBrowserClient();
        var page = await Html.GetPageAsync(client, reset);
        var response = await Html.SubmitAsync(client, "/Account/ResetPassword", new Dictionary<string, string>
        {
            ["Email"] = holder.Email,
            ["Token"] = page.QuerySelector("input[name=Token]")?.GetAttribute("value") ?? "",
            ["Password"] = "Taken back pass 2024",
            ["ConfirmPassword"] = "Taken back pass 2024",
        }, reset);

        // Assert: refused, and the password is the holder's own still
        Assert.NotEqual("/Account/ResetPasswordConfirmation", response.Headers.Location?.OriginalString);
        await holder.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.SignInAsync(FraudWebFactory.Password)).StatusCode);
    }

    [Fact]
    public async Task ChangeEmail_TamperedLink_InvalidAndAddressUnchanged()
    {
        // Arrange: the token altered
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await IdOfAsync(holder.Email);
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);
        var link = LinkMailedTo(newEmail);
        var token = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(FraudWebFactory.HttpsBaseAddress, link).Query)["token"].ToString();

        // Act
        var response = await FollowAsync(holder.Client, $"/Account/ConfirmEmailChange?token={token[..^4]}AAAA");

        // Assert
        Assert.True(await IsInvalidPageAsync(response));
        Assert.Equal((holder.Email, holder.Email, true), await AccountAsync(id));
    }

    [Fact]
    public async Task ConfirmEmailChange_MailedLink_NamesNoAddressAndPageShowsTheTokensAddress()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await IdOfAsync(holder.Email);
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);

        // Act
        var link = LinkMailedTo(newEmail);
        var page = await Html.GetPageAsync(holder.Client, link);

        // Assert: no address in the URL (logs, histories); the page still says which address it changes to
        Assert.DoesNotContain("@", Uri.UnescapeDataString(link), StringComparison.Ordinal);
        Assert.DoesNotContain("email=", link, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(newEmail, page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/Profile", Html.Location(await FollowAsync(holder.Client, link)));
        Assert.Equal((newEmail, newEmail, true), await AccountAsync(id));
    }

    [Fact]
    public async Task ConfirmEmailChange_OldLinkWithAnotherAddress_RedirectedWithoutItAndChangesToTheTokensOnly()
    {
        // Arrange: a link as mailed before (the address in it), its address replaced by another one
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await IdOfAsync(holder.Email);
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);
        var token = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(FraudWebFactory.HttpsBaseAddress, LinkMailedTo(newEmail)).Query)["token"].ToString();

        // Act
        var opened = await holder.Client.GetAsync(new Uri($"/Account/ConfirmEmailChange?email={Uri.EscapeDataString(factory.NewEmail())}&token={token}", UriKind.Relative));

        // Assert: the address leaves the URL; the token decides the address, not the link's text
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal($"/Account/ConfirmEmailChange?token={token}", Html.Location(opened));
        Assert.Equal("/Profile", Html.Location(await FollowAsync(holder.Client, Html.Location(opened))));
        Assert.Equal((newEmail, newEmail, true), await AccountAsync(id));
    }

    [Fact]
    public async Task ChangeEmail_LinkOlderThanItsLifetime_InvalidAndAddressUnchanged()
    {
        // Arrange: an app whose change links are already expired when made
        await using var expiring = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.Configure<ChangeEmailTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromSeconds(-1))));
        using var client = expiring.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await IdOfAsync(holder.Email);
        Assert.Equal("/Profile", Html.Location(await MfaSteps.SignInAsync(factory, client, holder.Email, FraudWebFactory.Password)));
        var newEmail = factory.NewEmail();
        Assert.Equal("/Profile", Html.Location(await AskAsync(client, newEmail)));

        // Act
        var response = await FollowAsync(client, LinkMailedTo(newEmail));

        // Assert
        Assert.True(await IsInvalidPageAsync(response));
        Assert.Equal((holder.Email, holder.Email, true), await AccountAsync(id));
    }

    [Fact]
    public async Task ChangeEmail_WrongPassword_FieldMessageAndNothingMailed()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var newEmail = factory.NewEmail();

        // Act
        var response = await AskAsync(holder.Client, newEmail, "Not-my-password-1");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("The current password is not correct.", Html.ValidationMessages(page));
        Assert.Equal(newEmail, page.QuerySelector("input[name=NewEmail]")!.GetAttribute("value"));
        Assert.Empty(Mailbox.MessagesTo(factory, newEmail));
        Assert.DoesNotContain(Mailbox.MessagesTo(factory, holder.Email), m => Mailbox.Subject(m) == AskedSubject);
    }

    [Fact]
    public async Task ChangeEmail_WrongPasswordUntilTheLimit_LockedOutAndSignedOut()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        for (var i = 0; i < FraudWebFactory.MaxFailedAccessAttempts - 1; i++)
            Assert.Equal(HttpStatusCode.OK, (await AskAsync(holder.Client, factory.NewEmail(), "Not-my-password-1")).StatusCode);

        // Act
        var last = await AskAsync(holder.Client, factory.NewEmail(), "Not-my-password-1");

        // Assert
        Assert.Equal("/Account/Lockout", Html.Location(last));
        Assert.Contains("/Account/Login", Html.Location(await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeEmail_AddressOfAnotherAccount_SameAnswerAsAFreeOneAndItsOwnerTold()
    {
        // Arrange
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await IdOfAsync(holder.Email);
        var free = factory.NewEmail();
        var freeAnswer = await AskAsync(holder.Client, free);
        var freePage = (await Html.GetPageAsync(holder.Client, "/Profile")).QuerySelector(".alert-success[role=status]")?.TextContent.Replace(free, "ADDRESS", StringComparison.Ordinal);

        // Act
        var takenAnswer = await AskAsync(holder.Client, owner.Email);
        var takenPage = (await Html.GetPageAsync(holder.Client, "/Profile")).QuerySelector(".alert-success[role=status]")?.TextContent.Replace(owner.Email, "ADDRESS", StringComparison.Ordinal);

        // Assert: the same redirect and words; the old address told alike; no link for the taken address, whose owner is told
        Assert.Equal(Html.Location(freeAnswer), Html.Location(takenAnswer));
        Assert.NotNull(freePage);
        Assert.Equal(freePage, takenPage);
        Assert.Equal(2, Mailbox.MessagesTo(factory, holder.Email).Count(m => Mailbox.Subject(m) == AskedSubject));
        Assert.DoesNotContain(Mailbox.MessagesTo(factory, owner.Email), m => Mailbox.Subject(m) == LinkSubject);
        var told = Mailbox.MessageTo(factory, owner.Email, TakenSubject);
        Assert.DoesNotContain(holder.Email, told, StringComparison.Ordinal);
        Assert.Equal((holder.Email, holder.Email, true), await AccountAsync(id));
    }

    [Fact]
    public async Task ChangeEmail_AddressTakenAfterTheLinkWasMailed_InvalidAndNeitherAccountChanges()
    {
        // Arrange: someone registers the new address between the request and the link
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await IdOfAsync(holder.Email);
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);
        var link = LinkMailedTo(newEmail);
        using var other = CardHolderSession.Anonymous(factory, newEmail);
        await other.RegisterAsync(new Builders.RegistrationBuilder(newEmail, FraudWebFactory.Password));

        // Act
        var response = await FollowAsync(holder.Client, link);

        // Assert
        Assert.True(await IsInvalidPageAsync(response));
        Assert.Equal((holder.Email, holder.Email, true), await AccountAsync(id));
        Assert.Equal(1, await factory.QueryAsync(db => db.Users.CountAsync(u => u.Email == newEmail)));
    }

    [Fact]
    public async Task ChangeEmail_Confirmed_OtherSessionsSignedOutThisOneStays()
    {
        // Arrange: a second session of the same account, as on another device (or a copied cookie)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        using var other = factory.CreateBrowserClient();
        Assert.Equal("/Profile", Html.Location(await MfaSteps.SignInAsync(factory, other, holder.Email, FraudWebFactory.Password)));
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);

        // Act
        await FollowAsync(holder.Client, LinkMailedTo(newEmail));

        // Assert
        Assert.Contains("/Account/Login", Html.Location(await other.GetAsync(new Uri("/Profile", UriKind.Relative))), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task ChangeEmail_LinkFollowedByAnotherAccount_InvalidAndNeitherChanges()
    {
        // Arrange: the link reaches someone else, signed in to their own account
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        using var stranger = await CardHolderSession.RegisteredAsync(factory);
        var holderId = await IdOfAsync(holder.Email);
        var strangerId = await IdOfAsync(stranger.Email);
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);
        var link = LinkMailedTo(newEmail);

        // Act
        var response = await FollowAsync(stranger.Client, link);

        // Assert: refused for the stranger; the link still works for the account that asked
        Assert.True(await IsInvalidPageAsync(response));
        Assert.Equal((holder.Email, holder.Email, true), await AccountAsync(holderId));
        Assert.Equal((stranger.Email, stranger.Email, true), await AccountAsync(strangerId));
        Assert.Equal("/Profile", Html.Location(await FollowAsync(holder.Client, link)));
    }

    [Fact]
    public async Task ChangeEmail_LinkOpenedSignedOut_SignInFirstThenTheConfirmationPage()
    {
        // Arrange: the mail read on another device, not signed in there
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);
        var link = LinkMailedTo(newEmail);
        await holder.SignOutAsync();
        using var phone = factory.CreateBrowserClient();

        // Act
        var opened = await phone.GetAsync(new Uri(link, UriKind.Relative));

        // Assert: sent to sign in, back to the link; the link outlived the sign-out (which renews the stamp)
        Assert.Contains("/Account/Login", Html.Location(opened), StringComparison.Ordinal);
        var signedIn = await MfaSteps.SignInAsync(factory, phone, holder.Email, FraudWebFactory.Password);
        Assert.Equal("/Profile", Html.Location(signedIn));
        Assert.Equal("/Profile", Html.Location(await FollowAsync(phone, link)));
    }

    [Fact]
    public async Task ChangeEmail_Confirmed_AuditedWithoutTheAddresses()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await IdOfAsync(holder.Email);
        var newEmail = factory.NewEmail();
        await AskAsync(holder.Client, newEmail);

        // Act
        await FollowAsync(holder.Client, LinkMailedTo(newEmail));

        // Assert
        var entry = await factory.QueryAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.TargetId == id && e.Action == AuditActions.UserEmailChange));
        Assert.Equal(id, entry.ActorId);
        Assert.DoesNotContain("@", (entry.Before ?? "") + entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeEmail_ChineseAccount_MailsInChinese()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await Html.SubmitAsync(holder.Client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/Profile")], formPage: "/Profile");
        var newEmail = factory.NewEmail();

        // Act
        var response = await AskAsync(holder.Client, newEmail);

        // Assert
        Assert.Equal("/Profile", Html.Location(response));
        Assert.Contains("lang=\"zh-CN\"", Mailbox.MessageTo(factory, newEmail, Localization.Chinese.Of(LinkSubject)), StringComparison.Ordinal);
        Assert.Contains("lang=\"zh-CN\"", Mailbox.MessageTo(factory, holder.Email, Localization.Chinese.Of(AskedSubject)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeEmail_OwnAddress_FieldMessage()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await AskAsync(holder.Client, holder.Email.ToUpperInvariant());

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This is already your email address.", Html.ValidationMessages(await Html.ParseAsync(response)));
    }
}
