using System.Net;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>
/// <c>cards.block</c> is a permission like the others (docs/decisions/0028): analysts and administrators hold it by
/// default, the roles page grants and revokes it, and without it staff cannot block or unblock a card.
/// </summary>
public sealed class CardBlockPermissionTests
{
    [Fact]
    public async Task Block_AnalystWhoseRoleLostThePermission_DeniedAndCardUnchanged()
    {
        // Arrange: the administrator takes cards.block away from analysts on the roles page.
        using var factory = new AdminFactory();
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var roles = await Html.GetPageAsync(admin.Client, "/AdminRoles");
        var kept = Permissions.DefaultGrants[Roles.Analyst].Where(p => p != Permissions.CardsBlock).Select(p => new KeyValuePair<string, string>("permissions", p));
        var revoked = await admin.PostAsync($"/AdminRoles/Permissions/{Roles.Analyst}", "/AdminRoles", kept);
        using var analyst = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst)));

        // Act
        var block = await analyst.PostAsync($"/CardBlocks/Block/{card}", "/Staff", [new("Reason", nameof(CardBlockReason.SuspectedFraud))]);
        var unblock = await analyst.PostAsync($"/CardBlocks/Unblock/{card}", "/Staff");
        var byAdmin = await admin.PostAsync($"/CardBlocks/Block/{card}", "/Staff", [new("Reason", nameof(CardBlockReason.SuspectedFraud))]);

        // Assert: the roles page offers it like any permission; the analyst is refused, the administrator (who holds it) is not.
        Assert.NotNull(roles.QuerySelector($"input[name=permissions][value='{Permissions.CardsBlock}']"));
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Contains("/Account/AccessDenied", Html.Location(block), StringComparison.Ordinal);
        Assert.Contains("/Account/AccessDenied", Html.Location(unblock), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, byAdmin.StatusCode);
        Assert.DoesNotContain("/Account/", Html.Location(byAdmin), StringComparison.Ordinal);
        Assert.Equal(CardStop.Blocked, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }
}
