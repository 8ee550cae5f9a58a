using System.Net;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Admin;

public sealed class PermissionChangeTests
{
    [Fact]
    public async Task Permissions_RevokeSubmitFromCustomer_SignedInCustomersNextSubmitIsDenied()
    {
        // Arrange
        using var factory = new AdminFactory();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        using var customer = await CardHolderSession.RegisteredAsync(factory);
        var before = await customer.Client.GetAsync(new Uri("/Transactions/New", UriKind.Relative));

        // Act
        var revoked = await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Customer}", "/AdminRoles", [new("permissions", Permissions.ReportsCreate)]);
        var told = await Html.GetPageAsync(admin.Client, Html.Location(revoked));
        var next = await customer.Client.GetAsync(new Uri("/Transactions/New", UriKind.Relative));
        var signedIn = await customer.SignInAsync(FraudWebFactory.Password);
        var afterSignIn = await customer.Client.GetAsync(new Uri("/Transactions/New", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Contains("its members are signed out and have them when they sign in again", told.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("/Account/Login", Html.Location(next), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("/Account/AccessDenied", Html.Location(afterSignIn), StringComparison.Ordinal);
        var entry = await factory.QueryAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.Action == AuditActions.RolePermissions));
        Assert.Equal(Roles.Customer, entry.TargetId);
        Assert.Contains(Permissions.TransactionsSubmit, entry.Before, StringComparison.Ordinal);
        Assert.DoesNotContain(Permissions.TransactionsSubmit, entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermissionsAndRoles_SavedUnchanged_NobodySignedOutAndNothingLogged()
    {
        // Arrange (review: "Save" on the card holders' role with nothing changed signed every card holder out, and the
        // log recorded a change from a set to the same set; the same for one user's roles)
        using var factory = new AdminFactory();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        using var customer = await CardHolderSession.RegisteredAsync(factory);
        var customerId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == customer.Email).Select(u => u.Id).SingleAsync());
        var grants = Permissions.DefaultGrants[Roles.Customer];

        // Act
        var permissions = await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Customer}", "/AdminRoles",
            [.. grants.Select(p => new KeyValuePair<string, string>("permissions", p)), .. grants.Select(p => new KeyValuePair<string, string>("shown", p))]);
        var roles = await admin.PostAsync($"/AdminUsers/Roles/{customerId}", $"/AdminUsers/Details/{customerId}",
            [new("Roles", Roles.Customer), new("ShownRoles", Roles.Customer)]);
        var next = await customer.Client.GetAsync(new Uri("/Transactions/New", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, permissions.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, roles.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.False(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == AuditActions.RolePermissions || e.Action == AuditActions.UserRoles)));
    }

    [Fact]
    public async Task SetPermissionsAsync_RoleChangedBetweenItsReadAndTheSave_SavedOnTheRoleAsItIsNow()
    {
        // Arrange (review: the role was read before the guard's transaction, so a change committed in between made the
        // claim changes fail unseen and the save throw: a 500 for a caller that sends no "shown")
        using var factory = new AdminFactory();
        var first = await factory.CreateUserAsync(Roles.Admin);
        var second = await factory.CreateUserAsync(Roles.Admin);
        await using var late = factory.Services.CreateAsyncScope();
        var roles = late.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.RoleManager<Microsoft.AspNetCore.Identity.IdentityRole>>();
        Assert.NotNull(await roles.FindByNameAsync(Roles.Analyst));
        await using (var early = factory.Services.CreateAsyncScope())
        {
            Assert.True((await early.ServiceProvider.GetRequiredService<AdminRoleService>().SetPermissionsAsync(first, Roles.Analyst,
                [Permissions.ReportsReview, Permissions.ModelsView], null, CancellationToken.None)).Succeeded);
        }

        // Act: the second administrator's request, whose scope read the role before the first's change
        var result = await late.ServiceProvider.GetRequiredService<AdminRoleService>().SetPermissionsAsync(second, Roles.Analyst, [Permissions.ReportsReview], null, CancellationToken.None);

        // Assert
        Assert.True(result.Succeeded, result.Succeeded ? "" : result.Errors[0].Message);
        var granted = await factory.QueryAsync(db => db.RoleClaims.Where(c => c.ClaimType == Permissions.ClaimType)
            .Join(db.Roles.Where(r => r.Name == Roles.Analyst), c => c.RoleId, r => r.Id, (c, _) => c.ClaimValue).ToListAsync());
        Assert.Equal([Permissions.ReportsReview], granted);
    }

    [Fact]
    public async Task Permissions_RevokeSubmitFromCustomer_CardPageOffersNoPayment()
    {
        // Arrange (review: the card's page still offered "Pay with this card", which led to Access Denied)
        using var factory = new AdminFactory();
        // Seeded, with a model, so the holder can pay (the administrators' factory has neither by default).
        factory.Settings["Seed:Enabled"] = "true";
        factory.Settings["Seed:TrainModel"] = "true";
        factory.Settings["Seed:Trees"] = "5";
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        using var customer = await CardHolderSession.RegisteredAsync(factory);
        var card = await customer.AddCardAsync();
        var payment = await customer.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12m);
        var payLink = $"a[href^='/Transactions/New?cardId={card}']";
        const string anotherPayment = "a[href='/Transactions/New']";
        var before = await Html.GetPageAsync(customer.Client, $"/Cards/Details/{card}");
        var paymentBefore = await Html.GetPageAsync(customer.Client, $"/Transactions/Details/{payment}");

        // Act
        await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Customer}", "/AdminRoles", [new("permissions", Permissions.ReportsCreate)]);
        await customer.SignInAsync(FraudWebFactory.Password);
        var response = await customer.Client.GetAsync(new Uri($"/Cards/Details/{card}", UriKind.Relative));
        var after = await Html.ParseAsync(response);
        var paymentAfter = await Html.GetPageAsync(customer.Client, $"/Transactions/Details/{payment}");

        // Assert: the card's own page (not a redirect), without the link; the payment's page without "Make another payment"
        Assert.NotNull(before.QuerySelector(payLink));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(after.QuerySelector(payLink));
        Assert.NotNull(paymentBefore.QuerySelector(anotherPayment));
        Assert.Null(paymentAfter.QuerySelector(anotherPayment));
    }

    [Fact]
    public async Task Permissions_RevokeReportsFromCustomer_PaymentPageOffersNoReport()
    {
        // Arrange (left untested last session: the report link follows the report permission, as the action does)
        using var factory = new AdminFactory();
        // Seeded, with a model, so the holder can pay (the administrators' factory has neither by default).
        factory.Settings["Seed:Enabled"] = "true";
        factory.Settings["Seed:TrainModel"] = "true";
        factory.Settings["Seed:Trees"] = "5";
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        using var customer = await CardHolderSession.RegisteredAsync(factory);
        var card = await customer.AddCardAsync();
        var payment = await customer.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12m);
        var reportLink = $"a[href='/Reports/New?transactionId={payment}']";
        var before = await Html.GetPageAsync(customer.Client, $"/Transactions/Details/{payment}");
        var withoutReports = Permissions.DefaultGrants[Roles.Customer].Where(p => p != Permissions.ReportsCreate).Select(p => new KeyValuePair<string, string>("permissions", p));

        // Act
        await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Customer}", "/AdminRoles", withoutReports);
        await customer.SignInAsync(FraudWebFactory.Password);
        var after = await Html.GetPageAsync(customer.Client, $"/Transactions/Details/{payment}");
        var form = await customer.Client.GetAsync(new Uri($"/Reports/New?transactionId={payment}", UriKind.Relative));

        // Assert: offered before, neither offered nor reachable after
        Assert.NotNull(before.QuerySelector(reportLink));
        Assert.Null(after.QuerySelector(reportLink));
        Assert.Contains("/Account/AccessDenied", Html.Location(form), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Permissions_RoleTheAdminHolds_RefusedAndUnchanged()
    {
        // Arrange
        using var factory = new AdminFactory();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var withoutAudit = Permissions.DefaultGrants[Roles.Admin].Where(p => p != Permissions.AuditRead).Select(p => new KeyValuePair<string, string>("permissions", p));

        // Act
        var response = await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Admin}", "/AdminRoles", withoutAudit);
        var audit = await admin.Client.GetAsync(new Uri("/AdminAudit", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        var granted = await factory.QueryAsync(db => db.RoleClaims.Where(c => c.ClaimValue == Permissions.AuditRead)
            .Join(db.Roles, c => c.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync());
        Assert.Equal([Roles.Admin], granted);
        Assert.False(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == AuditActions.RolePermissions)));
    }

    [Theory]
    [InlineData(Permissions.ModelsRetrain)]
    [InlineData(Permissions.ModelsManage)]
    public async Task Permissions_ModelButtonWithoutModelsView_RefusedSayingWhyAndUnchanged(string permission)
    {
        // Arrange (exploratory testing: an analyst holding only models.retrain saw no panel and no link, and their
        // retraining, queued by hand, redirected to the models page they were denied)
        using var factory = new AdminFactory();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

        // Act
        var response = await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Analyst}", "/AdminRoles", [new("permissions", permission)]);
        var told = await Html.GetPageAsync(admin.Client, Html.Location(response));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Retraining, promoting and rolling back are done on the models page: grant models.view with models.retrain or models.manage.", told.Body!.TextContent, StringComparison.Ordinal);
        var granted = await factory.QueryAsync(db => db.RoleClaims.Join(db.Roles.Where(r => r.Name == Roles.Analyst), c => c.RoleId, r => r.Id, (c, _) => c.ClaimValue!).ToListAsync());
        Assert.Equal(Permissions.DefaultGrants[Roles.Analyst].Order(), granted.Order());
        Assert.False(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == AuditActions.RolePermissions)));
    }

    [Fact]
    public async Task AdministrationTabs_UsersManageWithoutAuditRead_NoAuditLogTab()
    {
        // Arrange (exploratory testing: the administration tabs offered the audit log to every users.manage holder,
        // and those without audit.read were denied it)
        using var factory = new AdminFactory();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Analyst}", "/AdminRoles", [new("permissions", Permissions.UsersManage)])).StatusCode);
        using var manager = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst)));

        // Act
        var users = await Html.GetPageAsync(manager.Client, "/AdminUsers");
        var audit = await manager.Client.GetAsync(new Uri("/AdminAudit", UriKind.Relative));

        // Assert
        Assert.Contains("/Account/AccessDenied", Html.Location(audit), StringComparison.Ordinal);
        Assert.NotEmpty(users.QuerySelectorAll("a[href='/AdminRoles']"));
        Assert.Empty(users.QuerySelectorAll("a[href='/AdminAudit']"));
    }
}
