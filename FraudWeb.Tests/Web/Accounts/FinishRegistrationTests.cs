using System.Net;
using FraudWeb.Services.Accounts;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>
/// A reset link that confirms a registration never confirmed asks its owner for their details: whoever registered the
/// address first may have been a stranger, whose details stayed on the owner's account and in its export (review, 2026-12-06).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class FinishRegistrationTests(FraudWebFactory factory)
{
    private const string OwnersPassword = "Owner own pass 2024 x";

    /// <summary>A stranger's registration of <paramref name="email"/>, never confirmed, and the reset link its owner asks for.</summary>
    private async Task<string> StrangersRegistrationAndOwnersResetLinkAsync(string email, HttpClient owner, string strangersCulture = "en")
    {
        using var stranger = CardHolderSession.Anonymous(factory, email);
        await Html.GetPageAsync(stranger.Client, "/Account/Register?culture=" + strangersCulture);
        Assert.Equal("/Account/RegisterConfirmation", Html.Location(await stranger.RegisterAsync(new RegistrationBuilder(email, FraudWebFactory.Password)
            .With("FullName", "Mallory Stranger").With("City", "Strangetown").With("PhoneNumber", "+44 20 7946 0999")
            .With("AddressLine1", "1 Stranger Lane").With("DateOfBirth", "1970-01-02"))));
        Assert.Equal("/Account/ForgotPasswordConfirmation", Html.Location(await Html.SubmitAsync(owner, "/Account/ForgotPassword", [new("Email", email)])));
        return Mailbox.LinkTo(Mailbox.MessageTo(factory, email, "Reset your FraudWeb password"), "/Account/ResetPassword");
    }

    private static Dictionary<string, string> PasswordFields(AngleSharp.Html.Dom.IHtmlDocument page, string password) => new()
    {
        ["Email"] = page.QuerySelector("input[name=Email]")!.GetAttribute("value")!,
        ["Token"] = page.QuerySelector("input[name=Token]")!.GetAttribute("value")!,
        ["Password"] = password,
        ["ConfirmPassword"] = password,
    };

    private Task<(string FullName, string? City, string? Phone, bool Confirmed)> AccountAsync(string email) =>
        factory.QueryAsync(db => db.CardHolders.Where(h => db.Users.Any(u => u.Id == h.UserId && u.Email == email))
            .Select(h => new ValueTuple<string, string?, string?, bool>(h.FullName, h.Address!.City, db.Users.Single(u => u.Id == h.UserId).PhoneNumber,
                db.Users.Single(u => u.Id == h.UserId).EmailConfirmed))
            .SingleAsync());

    /// <summary>The holder's birth date and first address line, and the account's password hash.</summary>
    private Task<(DateOnly? Born, string? Line1, string? PasswordHash)> MoreAsync(string email) =>
        factory.QueryAsync(db => db.CardHolders.Where(h => db.Users.Any(u => u.Id == h.UserId && u.Email == email))
            .Select(h => new ValueTuple<DateOnly?, string?, string?>(h.DateOfBirth, h.Address!.Line1, db.Users.Single(u => u.Id == h.UserId).PasswordHash))
            .SingleAsync());

    [Fact]
    public async Task ResetPassword_StrangersUnconfirmedRegistration_AsksTheOwnersDetailsBlankAndKeepsThemNotTheStrangers()
    {
        // Arrange
        var email = factory.NewEmail();
        using var owner = CardHolderSession.Anonymous(factory, email);
        var link = await StrangersRegistrationAndOwnersResetLinkAsync(email, owner.Client);

        // Act
        var page = await Html.GetPageAsync(owner.Client, link);
        var fields = PasswordFields(page, OwnersPassword);
        foreach (var (name, value) in new RegistrationBuilder("", "").With("FullName", "Grace Hopper").With("PhoneNumber", "+44 20 7946 0123").Details("Details.")) fields[name] = value;
        var response = await Html.SubmitAsync(owner.Client, "/Account/ResetPassword", fields, link);

        // Assert: the page asked for the details without showing the stranger's; the owner's replace them, and the
        // account, confirmed, is theirs.
        Assert.NotNull(page.QuerySelector("[data-testid=finish-registration]"));
        Assert.Equal("", page.QuerySelector("input[name='Details.FullName']")!.GetAttribute("value") ?? "");
        Assert.DoesNotContain("Mallory", page.Body!.InnerHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("Strangetown", page.Body!.InnerHtml, StringComparison.Ordinal);
        Assert.Equal("/Account/ResetPasswordConfirmation", Html.Location(response));
        Assert.Equal("Your account is ready", (await Html.GetPageAsync(owner.Client, "/Account/ResetPasswordConfirmation")).QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal(("Grace Hopper", "London", "+44 20 7946 0123", true), await AccountAsync(email));
        var (born, line1, _) = await MoreAsync(email);
        Assert.NotEqual(new DateOnly(1970, 1, 2), born);
        Assert.Equal("12 Analytical Street", line1);
        Assert.Equal("/Profile", Html.Location(await owner.SignInAsync(OwnersPassword)));
        // The stranger's consent is not the owner's (review): forgotten, and the owner is asked for their own first.
        Assert.Null(await factory.QueryAsync(db => db.CardHolders.Where(h => db.Users.Any(u => u.Id == h.UserId && u.Email == email)).Select(h => h.ConsentedUtc).SingleAsync()));
        using (var asked = await owner.Client.GetAsync(new Uri("/Profile", UriKind.Relative))) Assert.Equal("/Account/Consent?returnUrl=%2FProfile", Html.Location(asked));
        Assert.Equal("/Profile", Html.Location(await Html.SubmitAsync(owner.Client, "/Account/Consent",
            new Dictionary<string, string> { ["ReturnUrl"] = "/Profile", ["SensitiveDataConsent"] = "true" }, "/Account/Consent?returnUrl=%2FProfile")));
        Assert.Contains("Grace Hopper", (await Html.GetPageAsync(owner.Client, "/Profile")).QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetPassword_UnconfirmedRegistrationSentWithoutDetails_AsksForThemAndChangesNothing()
    {
        // Arrange: the plain reset form, as a page opened before this change or a hand-made POST sends it
        var email = factory.NewEmail();
        using var owner = CardHolderSession.Anonymous(factory, email);
        var link = await StrangersRegistrationAndOwnersResetLinkAsync(email, owner.Client);
        var fields = PasswordFields(await Html.GetPageAsync(owner.Client, link), OwnersPassword);
        var before = await MoreAsync(email);

        // Act
        var response = await Html.SubmitAsync(owner.Client, "/Account/ResetPassword", fields, link);

        // Assert: the form comes back asking for the details; the account is as the stranger left it, unconfirmed,
        // with the stranger's password, and the link still finishes it.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.NotNull(page.QuerySelector("input[name='Details.FullName']"));
        Assert.Contains("To finish creating your account, enter your details as well as your password.", Html.ValidationMessages(page));
        Assert.Equal(("Mallory Stranger", "Strangetown", "+44 20 7946 0999", false), await AccountAsync(email));
        Assert.Equal(before, await MoreAsync(email));
        foreach (var (name, value) in new RegistrationBuilder("", "").Details("Details.")) fields[name] = value;
        Assert.Equal("/Account/ResetPasswordConfirmation", Html.Location(await Html.SubmitAsync(owner.Client, "/Account/ResetPassword", fields, link)));
    }

    [Fact]
    public async Task ResetPassword_FinishingWithAVersionFieldAddedToTheForm_NotBoundAndFinished()
    {
        // Arrange (diff review: the details' model has the profile's version field, which this form does not show; a
        // bad one sent refused the form with a message nowhere on the page)
        var email = factory.NewEmail();
        using var owner = CardHolderSession.Anonymous(factory, email);
        var link = await StrangersRegistrationAndOwnersResetLinkAsync(email, owner.Client);
        var fields = PasswordFields(await Html.GetPageAsync(owner.Client, link), OwnersPassword);
        foreach (var (name, value) in new RegistrationBuilder("", "").With("FullName", "Grace Hopper").Details("Details.")) fields[name] = value;
        fields["Details.RowVersion"] = "not-a-guid";

        // Act
        var response = await Html.SubmitAsync(owner.Client, "/Account/ResetPassword", fields, link);

        // Assert
        Assert.Equal("/Account/ResetPasswordConfirmation", Html.Location(response));
        Assert.Equal("Grace Hopper", (await AccountAsync(email)).FullName);
    }

    [Fact]
    public async Task ResetPassword_SentWithoutItsToken_InvalidLinkPage()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);

        // Act
        var response = await Html.SubmitAsync(session.Client, "/Account/ResetPassword", new Dictionary<string, string>
        {
            ["Email"] = session.Email, ["Password"] = OwnersPassword, ["ConfirmPassword"] = OwnersPassword,
        }, "/Account/ResetPassword?token=x");

        // Assert: said, not a form sent back with no message on it
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((await Html.ParseAsync(response)).QuerySelector("input[name=Password]"));
    }

    [Fact]
    public async Task ResetPassword_FinishingWithADetailMissing_MessageUnderTheFieldAndNothingSaved()
    {
        // Arrange
        var email = factory.NewEmail();
        using var owner = CardHolderSession.Anonymous(factory, email);
        var link = await StrangersRegistrationAndOwnersResetLinkAsync(email, owner.Client);
        var fields = PasswordFields(await Html.GetPageAsync(owner.Client, link), OwnersPassword);
        foreach (var (name, value) in new RegistrationBuilder("", "").With("FullName", " ").Details("Details.")) fields[name] = value;

        // Act
        var response = await Html.SubmitAsync(owner.Client, "/Account/ResetPassword", fields, link);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("Enter your full name.", page.QuerySelector("[data-valmsg-for='Details.FullName']")!.TextContent.Trim());
        Assert.Equal("London", page.QuerySelector("input[name='Details.City']")!.GetAttribute("value"));
        Assert.Empty(Html.UnlinkedErrors(page));
        Assert.Equal(("Mallory Stranger", "Strangetown", "+44 20 7946 0999", false), await AccountAsync(email));
    }

    [Fact]
    public async Task ResetPassword_FinishedFromAnEnglishPage_LaterMailsInEnglishNotTheStrangersLanguage()
    {
        // Arrange: the stranger registered from a Chinese page
        var email = factory.NewEmail();
        using var owner = CardHolderSession.Anonymous(factory, email);
        var link = await StrangersRegistrationAndOwnersResetLinkAsync(email, owner.Client, strangersCulture: "zh-CN");
        Assert.Equal("zh-CN", await LanguageAsync(email));

        // Act
        var page = await Html.GetPageAsync(owner.Client, link);
        var fields = PasswordFields(page, OwnersPassword);
        foreach (var (name, value) in new RegistrationBuilder("", "").Details("Details.")) fields[name] = value;
        Assert.Equal("/Account/ResetPasswordConfirmation", Html.Location(await Html.SubmitAsync(owner.Client, "/Account/ResetPassword", fields, link)));

        // Assert
        Assert.Equal("en", await LanguageAsync(email));
    }

    private Task<string?> LanguageAsync(string email) =>
        factory.QueryAsync(db => db.UserTokens.Where(t => t.LoginProvider == SingleUseAuthenticatorTokenProvider.LoginProvider && t.Name == "Language" &&
            db.Users.Any(u => u.Id == t.UserId && u.Email == email)).Select(t => t.Value).SingleOrDefaultAsync());

    [Fact]
    public async Task ResetPassword_ConfirmedAccountEvenWithDetailsSent_PlainResetDetailsKept()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await Html.SubmitAsync(holder.Client, "/Account/ForgotPassword", [new("Email", holder.Email)]);
        var link = Mailbox.LinkTo(Mailbox.MessageTo(factory, holder.Email, "Reset your FraudWeb password"), "/Account/ResetPassword");
        var page = await Html.GetPageAsync(holder.Client, link);
        var before = await AccountAsync(holder.Email);
        var fields = PasswordFields(page, OwnersPassword);
        foreach (var (name, value) in new RegistrationBuilder("", "").With("FullName", "Someone Else").Details("Details.")) fields[name] = value;
        // A blank one among them too: not validated either (it refused the reset, under the heading "Finish creating your account").
        fields["Details.City"] = "";

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Account/ResetPassword", fields, link);

        // Assert: the page asked for no details, and details sent anyway change nothing.
        Assert.Null(page.QuerySelector("[data-testid=finish-registration]"));
        Assert.Null(page.QuerySelector("input[name='Details.FullName']"));
        Assert.Equal("/Account/ResetPasswordConfirmation", Html.Location(response));
        Assert.Equal("Password changed", (await Html.GetPageAsync(holder.Client, "/Account/ResetPasswordConfirmation")).QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal(before, await AccountAsync(holder.Email));
        Assert.NotEqual("Someone Else", before.FullName);
    }
}
