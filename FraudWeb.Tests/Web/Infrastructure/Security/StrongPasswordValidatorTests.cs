using FraudWeb.Data;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FraudWeb.Tests.Web.Infrastructure.Security;

[Collection(WebTestGroup.Name)]
public sealed class StrongPasswordValidatorTests(FraudWebFactory factory)
{
    private static readonly ApplicationUser User = new() { UserName = "ada.lovelace@example.test", Email = "ada.lovelace@example.test" };

    [Theory]
    [InlineData("password1234")]
    [InlineData("qwertyuiop12")]
    public async Task ValidateAsync_CommonPassword_RefusedSayingItIsCommon(string password)
    {
        // Arrange
        var validator = new StrongPasswordValidator();

        // Act
        var result = await validator.ValidateAsync(null!, User, password);

        // Assert
        var error = Assert.Single(result.Errors);
        Assert.Equal(StrongPasswordValidator.CommonCode, error.Code);
        Assert.Contains("most common passwords", error.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("abcdefghijkl")]
    [InlineData("lovelace2024!")]
    // Chinese users' common passwords (Chinese UI test: rated very strong and accepted).
    [InlineData("woaini1314woaini")]
    [InlineData("zhangwei5201314")]
    public async Task ValidateAsync_GuessablePassword_RefusedSayingHowFastItIsGuessed(string password)
    {
        // Arrange
        var validator = new StrongPasswordValidator();

        // Act
        var result = await validator.ValidateAsync(null!, User, password);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Code is StrongPasswordValidator.WeakCode or StrongPasswordValidator.CommonCode);
        Assert.All(result.Errors, e => Assert.Matches("easy to guess|most common passwords", e.Description));
    }

    [Fact]
    public async Task ValidateAsync_LongPassphraseWithoutCompositionRules_Accepted()
    {
        // Arrange
        var validator = new StrongPasswordValidator();

        // Act
        var result = await validator.ValidateAsync(null!, User, "violet cabinet drizzle monsoon");

        // Assert
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task ValidateAsync_129Characters_Refused()
    {
        // Arrange
        var validator = new StrongPasswordValidator();

        // Act
        var result = await validator.ValidateAsync(null!, User, new string('x', 60) + "violet cabinet drizzle monsoon" + new string('q', 39));

        // Assert
        Assert.Equal(StrongPasswordValidator.TooLongCode, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void IdentityOptions_Password_TwelveCharactersAndNoCompositionRules()
    {
        // Arrange
        using var scope = factory.Services.CreateScope();

        // Act
        var options = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.Password;
        var validators = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().PasswordValidators;

        // Assert
        Assert.Equal(12, options.RequiredLength);
        Assert.False(options.RequireDigit || options.RequireLowercase || options.RequireUppercase || options.RequireNonAlphanumeric);
        Assert.Contains(validators, v => v is StrongPasswordValidator);
    }
}
