using System.Net;
using System.Text.RegularExpressions;
using FraudWeb.Data;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web;

[Collection(WebTestGroup.Name)]
public sealed partial class AccountTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Register_ValidDetails_RedirectsToProfileAsSignedInCustomer()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);

        // Act
        var response = await session.RegisterAsync(new RegistrationBuilder(session.Email, FraudWebFactory.Password));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Profile", Html.Location(response));
        var profile = await Html.GetPageAsync(session.Client, "/Profile");
        Assert.Contains("Ada Lovelace", profile.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(session.Email, profile.QuerySelector("[data-testid=signed-in-as]")!.TextContent, StringComparison.Ordinal);
        var email = session.Email;
        var roles = await factory.QueryAsync(db => (
            from user in db.Users
            join userRole in db.UserRoles on user.Id equals userRole.UserId
            join role in db.Roles on userRole.RoleId equals role.Id
            where user.Email == email
            select role.Name).ToListAsync());
        Assert.Equal([Roles.Customer], roles);
    }

    [Theory]
    [InlineData("DateOfBirth", "underage", "You must be at least 18 years old.")]
    [InlineData("DateOfBirth", "1800-01-01", "Please check your date of birth.")]
    [InlineData("ConfirmPassword", "Something-else-1", "The passwords do not match.")]
    [InlineData("City", "", "Enter your town or city.")]
    [InlineData("Email", "not-an-email", "Enter a valid email address.")]
    [InlineData("Postcode", "!!", "Enter a valid postcode.")]
    public async Task Register_InvalidField_ShowsItsMessage(string field, string value, string expectedMessage)
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);
        var registration = new RegistrationBuilder(session.Email, FraudWebFactory.Password);
        if (value == "underage") registration.BornYearsAgo(16);
        else registration.With(field, value);

        // Act
        var response = await session.RegisterAsync(registration);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(expectedMessage, Html.ValidationMessages(await Html.ParseAsync(response)));
    }

    [Fact]
    public async Task Register_EmailAlreadyRegistered_ShowsMessage()
    {
        // Arrange
        using var first = await CardHolderSession.RegisteredAsync(factory);
        using var second = CardHolderSession.Anonymous(factory);

        // Act
        var response = await second.RegisterAsync(new RegistrationBuilder(first.Email, FraudWebFactory.Password));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("An account with this email address already exists.", Html.ValidationMessages(await Html.ParseAsync(response)));
    }

    [Fact]
    public async Task SignIn_CorrectPassword_RedirectsToProfile()
    {
        // Arrange
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        await registered.SignOutAsync();

        // Act
        var response = await registered.SignInAsync(FraudWebFactory.Password);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Profile", Html.Location(response));
        Assert.Equal(HttpStatusCode.OK, (await registered.Client.GetAsync(new Uri("/Profile", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsGenericMessage()
    {
        // Arrange
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        await registered.SignOutAsync();

        // Act
        var response = await registered.SignInAsync("Wrong-password-1");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The email or password is not correct.", Html.ValidationMessages(await Html.ParseAsync(response)));
    }

    [Fact]
    public async Task SignIn_RepeatedFailures_LocksAccountEvenForCorrectPassword()
    {
        // Arrange
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        await registered.SignOutAsync();
        for (var i = 0; i < FraudWebFactory.MaxFailedAccessAttempts - 1; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await registered.SignInAsync("Wrong-password-1")).StatusCode);
        }

        // Act
        var lastFailure = await registered.SignInAsync("Wrong-password-1");
        var correctAfterLockout = await registered.SignInAsync(FraudWebFactory.Password);

        // Assert
        Assert.Equal("/Account/Lockout", Html.Location(lastFailure));
        Assert.Equal("/Account/Lockout", Html.Location(correctAfterLockout));
        var lockoutPage = await Html.GetPageAsync(registered.Client, "/Account/Lockout");
        Assert.Contains("locked", lockoutPage.QuerySelector("h1")!.TextContent, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ChangePassword_CorrectCurrentPassword_NewPasswordSignsIn()
    {
        // Arrange
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        const string newPassword = "Glacier mosaic 7 tundra";

        // Act
        var response = await Html.SubmitAsync(registered.Client, "/Account/ChangePassword", new Dictionary<string, string>
        {
            ["CurrentPassword"] = FraudWebFactory.Password,
            ["NewPassword"] = newPassword,
            ["ConfirmPassword"] = newPassword,
        });

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await registered.SignOutAsync();
        Assert.Equal("/Profile", Html.Location(await registered.SignInAsync(newPassword)));
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_ShowsMessage()
    {
        // Arrange
        using var registered = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await Html.SubmitAsync(registered.Client, "/Account/ChangePassword", new Dictionary<string, string>
        {
            ["CurrentPassword"] = "Not-my-password-1",
            ["NewPassword"] = "Glacier mosaic 7 tundra",
            ["ConfirmPassword"] = "Glacier mosaic 7 tundra",
        });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The current password is not correct.", Html.ValidationMessages(await Html.ParseAsync(response)));
    }

    [Fact]
    public async Task ForgotPassword_RegisteredEmail_WritesPickupMessageWhoseLinkResetsThePassword()
    {
        // Arrange
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        await registered.SignOutAsync();
        const string newPassword = "Orbit lantern 2024 fjord";

        // Act
        var response = await Html.SubmitAsync(registered.Client, "/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = registered.Email });

        // Assert
        Assert.Equal("/Account/ForgotPasswordConfirmation", Html.Location(response));
        var message = Directory.GetFiles(factory.MailDirectory, "*.eml")
            .Select(File.ReadAllText)
            .Single(m => m.Contains("To: " + registered.Email, StringComparison.Ordinal));
        Assert.Contains("Subject: Reset your FraudWeb password", message, StringComparison.Ordinal);
        var link = System.Net.WebUtility.HtmlDecode(ResetLink().Match(message).Groups["url"].Value);
        var resetPath = new Uri(link).PathAndQuery;
        var reset = await Html.SubmitAsync(registered.Client, "/Account/ResetPassword", FormFields(await Html.GetPageAsync(registered.Client, resetPath), newPassword), resetPath);
        Assert.Equal("/Account/ResetPasswordConfirmation", Html.Location(reset));
        Assert.Equal("/Profile", Html.Location(await registered.SignInAsync(newPassword)));
    }

    [Fact]
    public async Task ForgotPassword_UnknownEmail_SameConfirmationAndNoMail()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);

        // Act
        var response = await Html.SubmitAsync(session.Client, "/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = session.Email });

        // Assert
        Assert.Equal("/Account/ForgotPasswordConfirmation", Html.Location(response));
        var mailsToThem = Directory.Exists(factory.MailDirectory)
            ? Directory.GetFiles(factory.MailDirectory).Count(f => File.ReadAllText(f).Contains(session.Email, StringComparison.Ordinal))
            : 0;
        Assert.Equal(0, mailsToThem);
    }

    private static Dictionary<string, string> FormFields(AngleSharp.Html.Dom.IHtmlDocument resetPage, string newPassword) => new()
    {
        ["Email"] = resetPage.QuerySelector("input[name=Email]")!.GetAttribute("value")!,
        ["Token"] = resetPage.QuerySelector("input[name=Token]")!.GetAttribute("value")!,
        ["Password"] = newPassword,
        ["ConfirmPassword"] = newPassword,
    };

    [GeneratedRegex("href=\"(?<url>[^\"]+)\"")]
    private static partial Regex ResetLink();
}
