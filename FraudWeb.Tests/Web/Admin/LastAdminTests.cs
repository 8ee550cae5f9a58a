using System.Net;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>Each test has its own database, so "the only administrator" really is the only one.</summary>
public sealed class LastAdminTests
{
    private static async Task<string> ErrorShownAsync(StaffSession session, HttpResponseMessage response)
    {
        var page = await Html.GetPageAsync(session.Client, Html.Location(response));
        return page.QuerySelector("[data-testid=admin-error]")?.TextContent.Trim() ?? "";
    }

    /// <summary>An Analyst who may manage users (granted directly), so the sole Admin is someone else.</summary>
    private static async Task<StaffSession> UserManagerAnalystAsync(AdminFactory factory)
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            var analyst = (await roles.FindByNameAsync(Roles.Analyst))!;
            await roles.AddClaimAsync(analyst, new System.Security.Claims.Claim(Permissions.ClaimType, Permissions.UsersManage));
        }
        return await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst)));
    }

    [Fact]
    public async Task Delete_OnlyActiveAdmin_IsRefusedWithMessage()
    {
        // Arrange
        using var factory = new AdminFactory();
        var adminId = await factory.CreateUserAsync(Roles.Admin);
        using var manager = await UserManagerAnalystAsync(factory);

        // Act
        var response = await manager.PostAsync($"/AdminUsers/Delete/{adminId}", $"/AdminUsers/Delete/{adminId}");

        // Assert
        Assert.Equal(AdminGuard.LastAdminMessage, await ErrorShownAsync(manager, response));
        Assert.True(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Id == adminId)));
        Assert.False(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action != AuditActions.UserTwoStepOn)));
    }

    [Fact]
    public async Task ResetPassword_OwnWhileTheOtherAdministratorIsLocked_RefusedAndThePasswordStillWorks()
    {
        // Arrange (auditor: the only administrator able to sign in removed their own password; nobody could administer)
        using var factory = new AdminFactory();
        var adminId = await factory.CreateUserAsync(Roles.Admin);
        var otherId = await factory.CreateUserAsync(Roles.Admin);
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(adminId));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync($"/AdminUsers/Lock/{otherId}", $"/AdminUsers/Details/{otherId}")).StatusCode);

        // Act
        var response = await admin.PostAsync($"/AdminUsers/ResetPassword/{adminId}", $"/AdminUsers/Details/{adminId}");

        // Assert
        Assert.Equal(AdminGuard.LastAdminMessage, await ErrorShownAsync(admin, response));
        Assert.True(await factory.QueryAsync(db => db.Users.Where(u => u.Id == adminId).Select(u => u.PasswordHash != null).SingleAsync()));
        Assert.False(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == AuditActions.UserPasswordReset)));
    }

    [Fact]
    public async Task Lock_OnlyAdminWhoCanSignInBesideAnUnacceptedInvitation_IsRefused()
    {
        // Arrange (review: an invited administrator who never chose a password counted as active, so the one who can
        // sign in could be locked and nobody left could)
        using var factory = new AdminFactory();
        var adminId = await factory.CreateUserAsync(Roles.Admin);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var invitee = new ApplicationUser { UserName = factory.NewEmail(), CreatedUtc = factory.Clock.UtcNow };
            invitee.Email = invitee.UserName;
            Assert.True((await users.CreateAsync(invitee)).Succeeded);
            Assert.True((await users.AddToRoleAsync(invitee, Roles.Admin)).Succeeded);
        }
        using var manager = await UserManagerAnalystAsync(factory);

        // Act
        var response = await manager.PostAsync($"/AdminUsers/Lock/{adminId}", $"/AdminUsers/Details/{adminId}");

        // Assert
        Assert.Equal(AdminGuard.LastAdminMessage, await ErrorShownAsync(manager, response));
        Assert.Null(await factory.QueryAsync(db => db.Users.Where(u => u.Id == adminId).Select(u => u.LockoutEnd).FirstAsync()));
    }

    [Fact]
    public async Task Lock_OnlyActiveAdmin_IsRefusedWithMessage()
    {
        // Arrange
        using var factory = new AdminFactory();
        var adminId = await factory.CreateUserAsync(Roles.Admin);
        using var manager = await UserManagerAnalystAsync(factory);

        // Act
        var response = await manager.PostAsync($"/AdminUsers/Lock/{adminId}", $"/AdminUsers/Details/{adminId}");

        // Assert
        Assert.Equal(AdminGuard.LastAdminMessage, await ErrorShownAsync(manager, response));
        Assert.Null(await factory.QueryAsync(db => db.Users.Where(u => u.Id == adminId).Select(u => u.LockoutEnd).FirstAsync()));
    }

    [Fact]
    public async Task Roles_OnlyAdminDemotesThemself_IsRefusedAndSecondAdminMayDemoteThem()
    {
        // Arrange
        using var factory = new AdminFactory();
        var adminId = await factory.CreateUserAsync(Roles.Admin);
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(adminId));

        // Act
        var refused = await admin.PostAsync($"/AdminUsers/Roles/{adminId}", $"/AdminUsers/Details/{adminId}", [new("Roles", Roles.Analyst)]);
        var message = await ErrorShownAsync(admin, refused);
        // One's own roles are never changed by oneself (separation of duties): a second administrator does it.
        using var second = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var allowed = await second.PostAsync($"/AdminUsers/Roles/{adminId}", $"/AdminUsers/Details/{adminId}", [new("Roles", Roles.Analyst)]);

        // Assert
        Assert.Equal(AdminGuard.LastAdminMessage, message);
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        var roles = await factory.QueryAsync(db => db.UserRoles.Where(r => r.UserId == adminId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync());
        Assert.Equal([Roles.Analyst], roles);
    }

    [Fact]
    public async Task Permissions_RemoveUsersManageFromAdmin_IsRefusedWhenNobodyElseHoldsIt()
    {
        // Arrange
        using var factory = new AdminFactory();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var keep = Permissions.DefaultGrants[Roles.Admin].Where(p => p != Permissions.UsersManage).Select(p => new KeyValuePair<string, string>("permissions", p));

        // Act
        var response = await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Admin}", "/AdminRoles", keep);

        // Assert
        Assert.Equal(AdminGuard.LastAdminMessage, await ErrorShownAsync(admin, response));
        var granted = await factory.QueryAsync(db => db.RoleClaims.Where(c => c.ClaimValue == Permissions.UsersManage)
            .Join(db.Roles, c => c.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync());
        Assert.Equal([Roles.Admin], granted);
    }

    [Fact]
    public async Task Permissions_AnotherRoleWithUsersManageTakesItFromTheAdminRole_RefusedAndTheAdministratorKeepsIt()
    {
        // Arrange (exploratory test: an Analyst granted users.manage removed it from the Admin role, and the only
        // administrator was then refused the user pages)
        using var factory = new AdminFactory();
        var adminId = await factory.CreateUserAsync(Roles.Admin);
        using var analyst = await UserManagerAnalystAsync(factory);
        var keep = Permissions.DefaultGrants[Roles.Admin].Where(p => p != Permissions.UsersManage).Select(p => new KeyValuePair<string, string>("permissions", p));

        // Act
        var response = await analyst.PostAsync($"/AdminRoles/Permissions/{Roles.Admin}", "/AdminRoles", keep);

        // Assert
        Assert.Equal(AdminGuard.LastAdminMessage, await ErrorShownAsync(analyst, response));
        var granted = await factory.QueryAsync(db => db.RoleClaims.Where(c => c.ClaimValue == Permissions.UsersManage)
            .Join(db.Roles, c => c.RoleId, r => r.Id, (_, r) => r.Name).OrderBy(n => n).ToListAsync());
        Assert.Equal([Roles.Admin, Roles.Analyst], granted);
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(adminId));
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.GetAsync(new Uri("/AdminUsers", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Lock_InstallationWhoseAdminRoleHadLostUsersManage_NotFrozen()
    {
        // Arrange (diff review: such a state was allowed before the guard asked for an Admin holding users.manage; once
        // upgraded, every guarded change was refused, so nobody could lock an account or give the permission back)
        using var factory = new AdminFactory();
        await factory.CreateUserAsync(Roles.Admin);
        using var analyst = await UserManagerAnalystAsync(factory);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            await roles.RemoveClaimAsync((await roles.FindByNameAsync(Roles.Admin))!, new System.Security.Claims.Claim(Permissions.ClaimType, Permissions.UsersManage));
        }
        var customer = await factory.CreateUserAsync(Roles.Customer);

        // Act
        var locked = await analyst.PostAsync($"/AdminUsers/Lock/{customer}", $"/AdminUsers/Details/{customer}");
        var restored = await analyst.PostAsync($"/AdminRoles/Permissions/{Roles.Admin}", "/AdminRoles",
            Permissions.DefaultGrants[Roles.Admin].Select(p => new KeyValuePair<string, string>("permissions", p)));

        // Assert
        Assert.Equal($"/AdminUsers/Details/{customer}", Html.Location(locked));
        Assert.Equal(string.Empty, await ErrorShownAsync(analyst, locked));
        Assert.True(await factory.QueryAsync(db => db.Users.Where(u => u.Id == customer).Select(u => u.LockoutEnd != null).SingleAsync()));
        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        Assert.Equal(2, await factory.QueryAsync(db => db.RoleClaims.CountAsync(c => c.ClaimValue == Permissions.UsersManage)));
    }

    [Fact]
    public async Task Lock_TwoAdminsLockEachOtherAtOnce_OneAdministratorStaysActive()
    {
        // Arrange: the only two administrators, each about to lock the other.
        using var factory = new AdminFactory();
        var first = await factory.CreateUserAsync(Roles.Admin);
        var second = await factory.CreateUserAsync(Roles.Admin);

        // Act: both requests run at once, each in its own scope (as two web requests would).
        async Task<Services.Result> LockAsync(string actor, string target)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AdminUserService>().SetLockedAsync(actor, target, locked: true, CancellationToken.None);
        }
        var results = await Task.WhenAll(Task.Run(() => LockAsync(first, second)), Task.Run(() => LockAsync(second, first)));

        // Assert: the guard read inside the writing transaction, so the second saw the first's lock and refused.
        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(Services.ErrorCode.Refused, Assert.Single(results, r => !r.Succeeded).Code);
        var locked = await factory.QueryAsync(db => db.Users.Where(u => (u.Id == first || u.Id == second) && u.LockoutEnd != null).CountAsync());
        Assert.Equal(1, locked);
    }
}
