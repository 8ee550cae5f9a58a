using System.Data.Common;
using System.Text;
using FraudWeb.Data;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Email;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
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

    /// <summary>An address in each state registration can meet: a confirmed account, one not confirmed yet, one an administrator locked.</summary>
    private async Task<(CardHolderSession Confirmed, CardHolderSession Pending, CardHolderSession Locked)> AccountsInEveryStateAsync()
    {
        var confirmed = await CardHolderSession.RegisteredAsync(factory);
        var pending = CardHolderSession.Anonymous(factory);
        await pending.RegisterAsync(new RegistrationBuilder(pending.Email, FraudWebFactory.Password));
        var locked = await CardHolderSession.RegisteredAsync(factory);
        await LockByAdministratorAsync(locked.Email);
        return (confirmed, pending, locked);
    }

    [Fact]
    public async Task Register_AddressWithAnAccountInAnyState_CommitsOneTransactionAsANewAddressDoes()
    {
        // Arrange: an address in each state it can be in, and a host over the same database counting commits.
        var (confirmed, pending, locked) = await AccountsInEveryStateAsync();
        using var _c = confirmed;
        using var _p = pending;
        using var _l = locked;
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
    public async Task Register_AddressWithAnAccountInAnyState_RunsAsManyStatementsAsANewAddress()
    {
        // Arrange: an address in each state, and a host over the same database counting the statements sent.
        var (confirmed, pending, locked) = await AccountsInEveryStateAsync();
        using var _c = confirmed;
        using var _p = pending;
        using var _l = locked;
        var commands = new CommandRecorder();
        using var recorded = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(commands)));
        using var client = recorded.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });
        async Task<int> StatementsForAsync(string email)
        {
            commands.Clear();
            var response = await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, Typed).Build());
            Assert.Equal("/Account/RegisterConfirmation", Html.Location(response));
            return commands.Count;
        }
        await StatementsForAsync(factory.NewEmail());

        // Act
        var fresh = await StatementsForAsync(factory.NewEmail());
        int[] taken = [await StatementsForAsync(confirmed.Email), await StatementsForAsync(pending.Email), await StatementsForAsync(locked.Email)];

        // Assert: a statement costs this app 0.1-0.2 ms, so ten more on one path (UserManager validating and rewriting a
        // new account once per step) told a new address from a taken one by 2.6 ms (bench/enumeration_timing.sh).
        Assert.InRange(fresh, 4, 30);
        Assert.All(taken, count => Assert.InRange(count, fresh - 3, fresh + 3));
    }

    [Fact]
    public async Task Register_UnconfirmedAddressChangedAtThatMoment_SamePageNothingKeptNothingMailed()
    {
        // Arrange (review: the new stamp's save carries the record and the details, and its failure was ignored: the
        // mail went and the earlier links kept working): the account changed by another request just before that save.
        using var pending = CardHolderSession.Anonymous(factory);
        await pending.RegisterAsync(new RegistrationBuilder(pending.Email, FraudWebFactory.Password));
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == pending.Email).Select(u => u.Id).SingleAsync());
        var stampBefore = await factory.QueryAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleAsync());
        var meanwhile = new AccountChangedBeforeStampSave(factory, userId);
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(meanwhile)));
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(pending.Email, Typed).Build());

        // Assert: the usual page; the stamp, the record and the mail all left undone (the other request's stand)
        Assert.True(meanwhile.Changed);
        Assert.Equal("/Account/RegisterConfirmation", Html.Location(response));
        Assert.Equal(stampBefore, await factory.QueryAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleAsync()));
        Assert.False(await factory.QueryAsync(db => db.UserTokens.AnyAsync(t => t.UserId == userId && t.Name == AccountService.RegisteredAgainToken)));
        Assert.DoesNotContain(Mailbox.MessagesTo(factory, pending.Email), m => Mailbox.Subject(m) == "Finish creating your FraudWeb account");
    }

    /// <summary>
    /// Once the registration has looked the address up (its reader open on the old row), changes the account from
    /// another connection: before the registration's transaction, whose write lock on SQLite the change would wait for.
    /// </summary>
    private sealed class AccountChangedBeforeStampSave(FraudWebFactory factory, string userId) : DbCommandInterceptor
    {
        private int _armed = 1;

        public bool Changed => Volatile.Read(ref _armed) == 0;

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
            CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("\"NormalizedEmail\" = ", StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                await factory.QueryAsync(db => db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString())));
            }
            return result;
        }
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
        Assert.Contains("/Account/ResetPassword?token=", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetPassword_OwnLinkOrAMadeUpOneWithSomeoneElsesAddress_AddressNeverLookedUp()
    {
        // Arrange: the visitor's own genuine reset link, and an address with an account and one without
        using var visitor = await CardHolderSession.RegisteredAsync(factory);
        using var other = await CardHolderSession.RegisteredAsync(factory);
        string genuine;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var token = await users.GeneratePasswordResetTokenAsync((await users.FindByEmailAsync(visitor.Email))!);
            genuine = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        }
        const string madeUp = "Q2ZESjhBTm90QVRva2Vu";
        var commands = new CommandRecorder();
        using var recorded = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(commands)));
        using var client = recorded.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });
        async Task<bool> LookedUpAsync(string email, string token)
        {
            commands.Clear();
            var response = await Html.SubmitAsync(client, "/Account/ResetPassword", new Dictionary<string, string>
            {
                ["Email"] = email, ["Token"] = token, ["Password"] = "Fresh passphrase 42 river", ["ConfirmPassword"] = "Fresh passphrase 42 river",
            }, $"/Account/ResetPassword?token={token}");
            Assert.Contains("This reset link is not valid or has expired. Request a new one.", Html.ValidationMessages(await Html.ParseAsync(response)));
            return commands.Mentions(email.ToUpperInvariant());
        }

        // Act
        bool[] lookedUp =
        [
            await LookedUpAsync(other.Email, genuine), await LookedUpAsync(factory.NewEmail(), genuine),
            await LookedUpAsync(other.Email, madeUp), await LookedUpAsync(factory.NewEmail(), madeUp),
        ];

        // Assert: the account comes from the token, so whether the typed address has one costs nothing either way.
        Assert.Equal([false, false, false, false], lookedUp);
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

    /// <summary>Every parameter value the app's commands carry (what it looked up).</summary>
    private sealed class CommandRecorder : DbCommandInterceptor
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _values = new();
        private int _count;

        /// <summary>
        /// Statements about accounts and card holders sent since <see cref="Clear"/>, of every kind (not the host's
        /// background reads, such as the serving model's poll).
        /// </summary>
        public int Count => Volatile.Read(ref _count);

        private void CountIfAboutAccounts(DbCommand command)
        {
            if (command.CommandText.Contains("\"AspNet", StringComparison.Ordinal) || command.CommandText.Contains("\"CardHolders\"", StringComparison.Ordinal))
                Interlocked.Increment(ref _count);
        }

        public void Clear()
        {
            _values.Clear();
            Volatile.Write(ref _count, 0);
        }

        public bool Mentions(string value) => _values.Contains(value, StringComparer.Ordinal);

        // Every statement EF Core sends, of any kind, once its text and parameters are set.
        public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
        {
            Record(result);
            return result;
        }

        private void Record(DbCommand command)
        {
            CountIfAboutAccounts(command);
            foreach (DbParameter parameter in command.Parameters) _values.Enqueue(parameter.Value?.ToString() ?? "");
        }
    }
}
