using System.Data.Common;
using FraudWeb.Data;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Email;
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

    [Fact]
    public async Task ForgotPassword_AddressWithAnAccount_AnswersBeforeItsMailIsWritten()
    {
        // Arrange: a mail sender that holds every mail until told, in a host over the same database.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var mail = new HeldMail();
        using var held = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IEmailSender>(mail)));
        using var client = held.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });

        // Act: answered while the mail cannot be written yet (it would wait for ever if the answer waited for the mail)
        var response = await Html.SubmitAsync(client, "/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = holder.Email })
            .WaitAsync(TimeSpan.FromSeconds(30));
        var sentBeforeTheAnswer = mail.Sent.Count;
        mail.Release();
        var idle = await held.Services.GetRequiredService<PasswordResetMailer>().WhenIdleAsync(TimeSpan.FromSeconds(30));

        // Assert: the page every address gets, then the owner's link.
        Assert.Equal("/Account/ForgotPasswordConfirmation", Html.Location(response));
        Assert.Equal(0, sentBeforeTheAnswer);
        Assert.True(idle);
        var sent = Assert.Single(mail.Sent);
        Assert.Equal(holder.Email, sent.Recipient);
        Assert.Contains("/Account/ResetPassword?email=", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetPassword_MadeUpTokenForAnyAddress_TokenCheckedEitherWay()
    {
        // Arrange: a host counting the reset tokens checked
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var checks = new CountingResetTokens();
        using var counted = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.PostConfigure<IdentityOptions>(options => options.Tokens.ProviderMap[PasswordResetTokenProvider.ProviderName] =
                new TokenProviderDescriptor(typeof(CountingResetTokens)) { ProviderInstance = checks })));
        using var client = counted.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });
        const string madeUp = "Q2ZESjhBTm90QVRva2Vu";
        async Task<int> ChecksForAsync(string email)
        {
            var before = checks.Count;
            var response = await Html.SubmitAsync(client, "/Account/ResetPassword", new Dictionary<string, string>
            {
                ["Email"] = email, ["Token"] = madeUp, ["Password"] = "Fresh passphrase 42 river", ["ConfirmPassword"] = "Fresh passphrase 42 river",
            }, $"/Account/ResetPassword?token={madeUp}");
            Assert.Contains("This reset link is not valid or has expired. Request a new one.", Html.ValidationMessages(await Html.ParseAsync(response)));
            return checks.Count - before;
        }

        // Act
        var known = await ChecksForAsync(holder.Email);
        var unknown = await ChecksForAsync(factory.NewEmail());

        // Assert: the same work either way.
        Assert.Equal(1, known);
        Assert.Equal(known, unknown);
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

    /// <summary>Holds every mail until <see cref="Release"/>, then records it.</summary>
    private sealed class HeldMail : IEmailSender
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Recipient, string Body)> _sent = new();

        public IReadOnlyList<(string Recipient, string Body)> Sent => [.. _sent];

        public void Release() => _released.TrySetResult();

        public async Task SendEmailAsync(string recipient, string subject, string htmlBody, CancellationToken cancellationToken = default)
        {
            await _released.Task.WaitAsync(cancellationToken);
            _sent.Enqueue((recipient, htmlBody));
        }
    }

    /// <summary>A reset-token provider that counts its checks and refuses every token, as the real one refuses a made-up one.</summary>
    private sealed class CountingResetTokens : IUserTwoFactorTokenProvider<ApplicationUser>
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) => Task.FromResult(false);

        public Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user) =>
            throw new NotSupportedException("Only checks are counted.");

        public Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
        {
            Interlocked.Increment(ref _count);
            return Task.FromResult(false);
        }
    }
}
