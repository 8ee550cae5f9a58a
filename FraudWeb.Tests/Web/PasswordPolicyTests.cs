using System.Net;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web;

/// <summary>ASVS 2.1: length over composition, common and guessable passwords refused in words, a strength meter.</summary>
[Collection(WebTestGroup.Name)]
public sealed class PasswordPolicyTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Register_CommonPassword_RefusedSayingItIsCommon()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);

        // Act
        var response = await session.RegisterAsync(new RegistrationBuilder(session.Email, "password1234"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Html.ValidationMessages(await Html.ParseAsync(response)), m => m.Contains("most common passwords", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Register_ElevenCharacters_Refused()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);

        // Act
        var response = await session.RegisterAsync(new RegistrationBuilder(session.Email, "Xq7#mZ2!pL9"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The password must be 12 to 128 characters.", Html.ValidationMessages(await Html.ParseAsync(response)));
    }

    [Fact]
    public async Task Register_LowerCasePassphraseWithoutDigits_Accepted()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);

        // Act
        var response = await session.RegisterAsync(new RegistrationBuilder(session.Email, "violet cabinet drizzle monsoon"));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task Register_SeventyCharacterPassphrase_Accepted()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);
        var password = "the violet cabinet hums while drizzle taps the monsoon ledger at night"[..70];

        // Act
        var response = await session.RegisterAsync(new RegistrationBuilder(session.Email, password));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_GuessablePassword_RefusedWithReason()
    {
        // Arrange
        using var session = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await Html.SubmitAsync(session.Client, "/Account/ChangePassword", new Dictionary<string, string>
        {
            ["CurrentPassword"] = FraudWebFactory.Password,
            ["NewPassword"] = "abcdefghijkl",
            ["ConfirmPassword"] = "abcdefghijkl",
        });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Html.ValidationMessages(await Html.ParseAsync(response)), m => m.Contains("easy to guess", StringComparison.Ordinal) || m.Contains("most common", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/Account/Register", "Password", false)]
    [InlineData("/Account/ChangePassword", "NewPassword", true)]
    public async Task PasswordForm_Shown_HasStrengthMeterWithVendoredZxcvbn(string url, string field, bool signedIn)
    {
        // Arrange
        using var session = signedIn ? await CardHolderSession.RegisteredAsync(factory) : CardHolderSession.Anonymous(factory);

        // Act
        var page = await Html.GetPageAsync(session.Client, url);
        var library = await session.Client.GetAsync(new Uri("/lib/zxcvbn/dist/zxcvbn.js", UriKind.Relative));
        var meterScript = await session.Client.GetAsync(new Uri("/js/password-strength.js", UriKind.Relative));

        // Assert
        Assert.NotNull(page.QuerySelector($"input#{field}[data-password-strength]"));
        Assert.NotNull(page.QuerySelector("[data-testid=password-strength]"));
        Assert.NotNull(page.QuerySelector("script[src^='/lib/zxcvbn/dist/zxcvbn.js']"));
        Assert.Equal(HttpStatusCode.OK, library.StatusCode);
        Assert.Equal(HttpStatusCode.OK, meterScript.StatusCode);
    }

    [Theory]
    [InlineData("en", "{0} - {1}")]
    [InlineData("zh-CN", "{0}：{1}")]
    public async Task Register_InALanguage_TheMeterJoinsLevelAndHintAsItDoes(string culture, string format)
    {
        // Arrange (exploratory testing: a Chinese page read "弱 - 请至少使用 12 个字符。", an English dash between Chinese)
        using var session = CardHolderSession.Anonymous(factory);

        // Act
        var page = await Html.GetPageAsync(session.Client, $"/Account/Register?culture={culture}");

        // Assert
        Assert.Equal(format, page.QuerySelector("[data-testid=password-strength]")!.GetAttribute("data-level-and-hint"));
    }
}
