using FraudWeb.Data;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Services.Admin;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>A registration and another way of making the same address's account at the same moment.</summary>
[Collection(WebTestGroup.Name)]
public sealed class RegistrationRaceTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Register_AddressInvitedByAnAdministratorDuringTheSave_UsualPageOneAccountAndEachSideTold()
    {
        // Arrange: while the registration stores the account, an administrator's invitation of the same address (its own
        // connection) starts. On PostgreSQL it usually inserts first and the registration's insert breaks the unique
        // index (the DbUpdateException path); on SQLite the registration's write transaction makes it wait, and it is refused.
        var email = factory.NewEmail();
        FraudWeb.Services.Result<string>? invited = null;
        var creating = new ChangeDuringSave(
            db => db.ChangeTracker.Entries<ApplicationUser>().Any(e => e.Entity.Email == email && e.State == EntityState.Added),
            async () =>
            {
                await using var scope = factory.Services.CreateAsyncScope();
                invited = await scope.ServiceProvider.GetRequiredService<AdminUserService>().InviteStaffAsync("test-administrator", email, [Roles.Analyst], "en",
                    token => "https://fraud.example.test/Account/AcceptInvitation?token=" + token, CancellationToken.None);
            });
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(creating)));
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, FraudWebFactory.Password).Build());
        await creating.AllDoneAsync();

        // Assert: the page every registration gets, one account, and the mail that fits whichever won (the registration's
        // account has a card holder, the administrator's none)
        Assert.Equal("/Account/RegisterConfirmation", Html.Location(response));
        Assert.Equal(1, creating.Saves);
        Assert.Equal(1, await factory.QueryAsync(db => db.Users.CountAsync(u => u.Email == email)));
        var registrationWon = await factory.QueryAsync(db => db.CardHolders.AnyAsync(h => db.Users.Any(u => u.Id == h.UserId && u.Email == email)));
        var subjects = Mailbox.MessagesTo(factory, email).Select(Mailbox.Subject).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(registrationWon ? ["Confirm your FraudWeb account"] : ["You already have a FraudWeb account", "You are invited to FraudWeb"], subjects);
        // The administrator is told the address is taken when the registration won, never an error page.
        Assert.NotNull(invited);
        Assert.Equal(!registrationWon, invited!.Succeeded);
        if (registrationWon) Assert.Equal(FraudWeb.Services.ErrorCode.Conflict, invited.Code);
    }
}
