using System.Net;
using FraudWeb.Cli;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web;

[Collection(WebTestGroup.Name)]
public sealed class AdminCliTests(FraudWebFactory factory)
{
    [Fact]
    public async Task CreateAdmin_NewEmailInteractive_CreatesAdminWithPasswordPrintedOnce()
    {
        // Arrange
        var email = factory.NewEmail();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Act
        var exitCode = await AdminCli.RunAsync(factory.Services, ["create-admin", "--email", email], new StringReader(""), stdinIsPiped: false, stdout, stderr);

        // Assert
        Assert.Equal(0, exitCode);
        var output = stdout.ToString();
        var password = output.Split("Password (shown only this once): ")[1].Trim();
        Assert.True(password.Length >= 20);
        Assert.True(await IsAdminAsync(email));
        using var session = CardHolderSession.Anonymous(factory);
        var signIn = await Html.SubmitAsync(session.Client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/Profile", Html.Location(signIn));
    }

    [Fact]
    public async Task CreateAdmin_PasswordPiped_UsesItAndPrintsNoPassword()
    {
        // Arrange
        var email = factory.NewEmail();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Act
        var exitCode = await AdminCli.RunAsync(factory.Services, ["create-admin", $"--email={email}"], new StringReader("Piped-Admin-Pass-1\n"), stdinIsPiped: true, stdout, stderr);

        // Assert
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("Password", stdout.ToString(), StringComparison.Ordinal);
        Assert.True(await IsAdminAsync(email));
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByEmailAsync(email))!, "Piped-Admin-Pass-1"));
    }

    [Fact]
    public async Task CreateAdmin_ExistingEmail_RefusesAndChangesNothing()
    {
        // Arrange
        var email = factory.NewEmail();
        using var ignored = new StringWriter();
        Assert.Equal(0, await AdminCli.RunAsync(factory.Services, ["create-admin", "--email", email], new StringReader(""), false, ignored, ignored));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Act
        var exitCode = await AdminCli.RunAsync(factory.Services, ["create-admin", "--email", email], new StringReader("Other-Pass-123\n"), true, stdout, stderr);

        // Assert
        Assert.Equal(1, exitCode);
        Assert.Contains("already exists", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await factory.QueryAsync(db => db.Users.CountAsync(u => u.Email == email)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-address")]
    public async Task CreateAdmin_MissingOrBadEmail_PrintsUsageAndFails(string email)
    {
        string[] args = email.Length == 0 ? ["create-admin"] : ["create-admin", "--email", email];
        // Arrange
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Act
        var exitCode = await AdminCli.RunAsync(factory.Services, args, new StringReader(""), false, stdout, stderr);

        // Assert
        Assert.Equal(2, exitCode);
        Assert.Contains("Usage: create-admin --email ADDRESS", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstStart_EmptyDatabase_HasAllRolesAndNoAccountAtAll()
    {
        // Arrange
        using var fresh = new FraudWebFactory();
        fresh.Settings["Seed:Enabled"] = "false";

        // Act
        using var client = fresh.CreateClient();

        // Assert
        var roles = await fresh.QueryAsync(db => db.Roles.Select(r => r.Name).OrderBy(n => n).ToListAsync());
        Assert.Equal([Roles.Admin, Roles.Analyst, Roles.Customer], roles);
        Assert.Equal(0, await fresh.QueryAsync(db => db.Users.CountAsync()));
    }

    [Theory]
    [InlineData("create-admin --email a@b.test", true)]
    [InlineData("--FraudWeb:DataDirectory=/srv/fraudweb create-admin --email a@b.test", true)]
    [InlineData("--urls http://0.0.0.0:8080", false)]
    [InlineData("", false)]
    public void Handles_CommandLine_RecognisesTheVerbAnywhere(string commandLine, bool expected) =>
        Assert.Equal(expected, AdminCli.Handles(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

    private Task<bool> IsAdminAsync(string email) => factory.QueryAsync(db => (
        from user in db.Users
        join userRole in db.UserRoles on user.Id equals userRole.UserId
        join role in db.Roles on userRole.RoleId equals role.Id
        where user.Email == email && role.Name == Roles.Admin
        select user).AnyAsync());
}
