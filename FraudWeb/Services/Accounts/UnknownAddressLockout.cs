using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Accounts;

/// <summary>
/// Wrong passwords for addresses that have no account, counted as Identity counts an account's: after as many as lock
/// an account, the address answers "locked" for as long. Otherwise the lockout told who has an account (security
/// review: a real address locked after five tries, an unknown one never). Kept in this instance's memory, bounded;
/// with several instances each counts its own share (docs/security.md).
/// </summary>
public sealed class UnknownAddressLockout(IOptions<IdentityOptions> identity, TimeProvider clock) : IDisposable
{
    /// <summary>Addresses tracked at most; beyond it the least recently failed are forgotten first.</summary>
    private const int MaxAddresses = 100_000;

    /// <summary>How long a count is kept after its last failure (an account's is kept until it signs in).</summary>
    private static readonly TimeSpan Remembered = TimeSpan.FromDays(1);

    private readonly MemoryCache _addresses = new(new MemoryCacheOptions { SizeLimit = MaxAddresses });

    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset LockedUntil;
    }

    private static string Key(string address) => address.Trim().ToUpperInvariant();

    public bool IsLockedOut(string address) =>
        _addresses.TryGetValue(Key(address), out Failures? failures) && IsLocked(failures!);

    /// <summary>Counts a wrong password; true when this one locks the address.</summary>
    public bool Failed(string address)
    {
        var failures = _addresses.GetOrCreate(Key(address), entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = Remembered;
            return new Failures();
        })!;
        lock (failures)
        {
            if (++failures.Count < identity.Value.Lockout.MaxFailedAccessAttempts) return false;
            // As Identity does: the lockout starts and the count starts again.
            failures.Count = 0;
            failures.LockedUntil = clock.GetUtcNow() + identity.Value.Lockout.DefaultLockoutTimeSpan;
            return true;
        }
    }

    private bool IsLocked(Failures failures)
    {
        lock (failures) return failures.LockedUntil > clock.GetUtcNow();
    }

    public void Dispose() => _addresses.Dispose();
}
