using FraudWeb.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// Identity's user manager, with every failed sign-in counted: Identity saves the new failure count with the row's
/// concurrency check, so of wrong passwords sent at the same moment most failed to save and went uncounted (20 at
/// once left a count of 2 and no lockout), which made the shared lockout, the bound on guessing across instances,
/// no bound at all. A failure that loses that race is counted again on the row as stored now.
/// </summary>
public sealed class CountingUserManager(
    IUserStore<ApplicationUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<ApplicationUser> passwordHasher,
    IEnumerable<IUserValidator<ApplicationUser>> userValidators,
    IEnumerable<IPasswordValidator<ApplicationUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<ApplicationUser>> logger,
    FraudDbContext db,
    FraudWeb.Services.Accounts.IAccountAudit audit,
    TimeProvider clock)
    : UserManager<ApplicationUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    /// <summary>Enough for dozens of attempts at one moment; each try re-reads one row.</summary>
    private const int Tries = 50;

    /// <summary>
    /// How long a failure count is kept after its last failure, for accounts and for addresses without one alike
    /// (<see cref="FraudWeb.Services.Accounts.UnknownAddressLockout"/>): were either kept longer, waiting it out would
    /// tell them apart.
    /// </summary>
    public static readonly TimeSpan FailuresRemembered = TimeSpan.FromDays(1);

    /// <summary>
    /// A count a day old is forgotten before this failure is added to it, and so is a count that reached the limit
    /// behind an administrator's lock once its lockout's length is over (as Identity starts again after a lockout);
    /// the failure's time is recorded.
    /// </summary>
    private void StartFailure(ApplicationUser user)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (user.LastFailedAccessUtc is not { } last || last < now - FailuresRemembered || user.AccessFailedCount >= Options.Lockout.MaxFailedAccessAttempts)
            user.AccessFailedCount = 0;
        user.LastFailedAccessUtc = now;
    }

    /// <summary>
    /// Behind an administrator's lock (which Identity's lockout cannot replace): whether as many wrong passwords as
    /// lock an account have failed within the last lockout's length, so the answer is "locked" as Identity's lockout
    /// says it, for as long. Told "15 minutes" and still locked after them, the lock showed itself.
    /// </summary>
    public bool FailuresLockBehindTheAdministratorsLock(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.AccessFailedCount >= Options.Lockout.MaxFailedAccessAttempts && user.LastFailedAccessUtc is { } last
            && last + Options.Lockout.DefaultLockoutTimeSpan > clock.GetUtcNow().UtcDateTime;
    }

    /// <remarks>The failure that locks the account is audited (PCI DSS 10.2.1.4), wherever it was made: a sign-in, its
    /// second step, or a password or code asked again on the settings pages.</remarks>
    public override async Task<IdentityResult> AccessFailedAsync(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        for (var attempt = 1; ; attempt++)
        {
            StartFailure(user);
            // The failure that locks: its entry is staged first, so Identity's save of the lockout writes both in one
            // commit (no entry without its lockout, and no second commit that an address without an account would not
            // make: docs/decisions/0031).
            var locks = user.LockoutEnabled && !await IsLockedOutAsync(user) && user.AccessFailedCount + 1 >= Options.Lockout.MaxFailedAccessAttempts;
            if (locks)
            {
                await audit.AppendAsync(FraudWeb.Services.Accounts.AccountAuditActions.System, FraudWeb.Services.Accounts.AccountAuditActions.LockedOut,
                    FraudWeb.Services.Accounts.AccountAuditActions.UserTarget, user.Id, null,
                    new { FailedAttempts = Options.Lockout.MaxFailedAccessAttempts, Minutes = (int)Math.Round(Options.Lockout.DefaultLockoutTimeSpan.TotalMinutes) }, CancellationToken.None);
            }
            var result = await base.AccessFailedAsync(user);
            if (!result.Succeeded && locks) ForgetStagedLockout(user.Id);
            if (result.Succeeded || attempt == Tries || !result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure))) return result;
            await db.Entry(user).ReloadAsync();
        }
    }

    /// <summary>A lockout's entry staged for a save that failed (the row changed meanwhile): the retry stages its own.</summary>
    private void ForgetStagedLockout(string userId)
    {
        foreach (var staged in db.ChangeTracker.Entries<FraudWeb.Domain.Entities.AuditEntry>()
                     .Where(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added && e.Entity.TargetId == userId
                         && e.Entity.Action == FraudWeb.Services.Accounts.AccountAuditActions.LockedOut).ToList())
            staged.State = Microsoft.EntityFrameworkCore.EntityState.Detached;
    }

    /// <summary>
    /// One more failed sign-in counted without Identity's lockout step, which on reaching the limit would replace an
    /// administrator's lock by a 15-minute one; counted again on the row as stored now when another failure won the race.
    /// </summary>
    /// <returns>The count after this failure.</returns>
    public async Task<int> CountFailureKeepingTheLockAsync(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        for (var attempt = 1; ; attempt++)
        {
            StartFailure(user);
            user.AccessFailedCount++;
            var result = await UpdateAsync(user);
            if (result.Succeeded || attempt == Tries || !result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure))) return user.AccessFailedCount;
            await db.Entry(user).ReloadAsync();
        }
    }
}
