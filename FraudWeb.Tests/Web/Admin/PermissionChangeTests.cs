using System.Net;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

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
}
