using System.Data.Common;
using FraudWeb.Data;
using FraudWeb.Services.Accounts;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>
/// The anonymous forms do the same kinds of work whether or not an address has an account, so the time of the answer
/// does not tell (docs/decisions/0031; the times themselves are measured by bench/enumeration_timing.py, not here).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class EnumerationTimingTests(FraudWebFactory factory)
{
    private const string Typed = "Another fine passphrase 12";

    [Fact]
    public async Task Register_AddressWithAnAccountInAnyState_CommitsOneTransactionAsANewAddressDoes()
    {
        // Arrange: an address in each state it can be in, and a host over the same database counting commits.
        using var confirmed = await CardHolderSession.RegisteredAsync(factory);
        using var pending = CardHolderSession.Anonymous(factory);
        await pending.RegisterAsync(new RegistrationBuilder(pending.Email, FraudWebFactory.Password));
        using var locked = await CardHolderSession.RegisteredAsync(factory);
        await LockByAdministratorAsync(locked.Email);
        var commits = new CommitCounter();
        using var counted = factory.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(commits)));
        using var client = counted.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });
        async Task<int> CommitsForAsync(string email, string password)
        {
            var before = commits.Count;
            var response = await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, password).Build());
            Assert.Equal("/Account/RegisterConfirmation", Html.Location(response));
            return commits.Count - before;
        }

        // Act
        var fresh = await CommitsForAsync(factory.NewEmail(), Typed);
        var taken = await CommitsForAsync(confirmed.Email, Typed);
        var unconfirmed = await CommitsForAsync(pending.Email, Typed);
        var repeated = await CommitsForAsync(pending.Email, FraudWebFactory.Password);
        var adminLocked = await CommitsForAsync(locked.Email, Typed);

        // Assert: a new account's one durable commit, on every path; each account records the attempt.
        Assert.Equal(1, fresh);
        Assert.Equal([1, 1, 1, 1], new[] { taken, unconfirmed, repeated, adminLocked });
        string[] emails = [confirmed.Email.ToUpperInvariant(), pending.Email.ToUpperInvariant(), locked.Email.ToUpperInvariant()];
        var recorded = await factory.QueryAsync(db => (
            from token in db.UserTokens
            join user in db.Users on token.UserId equals user.Id
            where token.Name == AccountService.RegisteredAgainToken && emails.Contains(user.NormalizedEmail)
            select user.Id).CountAsync());
        Assert.Equal(3, recorded);
    }

    private async Task LockByAdministratorAsync(string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        Assert.True((await users.SetLockoutEndDateAsync(user, AdminLock.Until)).Succeeded);
    }

    private sealed class CommitCounter : DbTransactionInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }

        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Interlocked.Increment(ref _count);
    }
}
