using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>
/// The app on its own fresh database without the seeded history (administration needs no model), so tests that
/// count administrators or change a role's permissions cannot disturb, or be disturbed by, other tests.
/// </summary>
public sealed class AdminFactory : FraudWebFactory
{
    public AdminFactory()
    {
        Settings["Seed:Enabled"] = "false";
        Settings["Seed:TrainModel"] = "false";
    }

    /// <summary>Creates a user with a password and the given roles (no profile), as the create-admin verb does.</summary>
    public Task<string> CreateUserAsync(params string[] roles) => CreateUserWithIdAsync(Guid.NewGuid().ToString(), roles);

    /// <summary>As <see cref="CreateUserAsync"/>, with the account id given.</summary>
    public async Task<string> CreateUserWithIdAsync(string id, params string[] roles)
    {
        var email = NewEmail();
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { Id = id, UserName = email, Email = email, EmailConfirmed = true, CreatedUtc = Clock.UtcNow };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        if (roles.Length > 0) Assert.True((await users.AddToRolesAsync(user, roles)).Succeeded);
        return user.Id;
    }

    public Task<string> EmailOfAsync(string userId) =>
        QueryAsync(db => Task.FromResult(db.Users.Where(u => u.Id == userId).Select(u => u.Email!).First()));
}
