using System.Security.Cryptography;
using System.Text;
using FraudWeb.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Accounts;

/// <summary>The server's key for hashing addresses that have no account, derived from the card key (out of the database).</summary>
public sealed class UnknownAddressKey(byte[] key)
{
    /// <summary>The address as Identity normalizes it (<see cref="Normalize"/>), hashed.</summary>
    public string Hash(string address) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Normalize(address))));

    /// <summary>
    /// The address as Identity looks accounts up by it (trimmed as the sign-in trims it, then Unicode NFC and upper case,
    /// as UpperInvariantLookupNormalizer): counted by case only, "é" typed as e and an accent had a count of its own
    /// for an address without an account but counted against an account. Text that is not valid Unicode stays as typed.
    /// </summary>
    public static string Normalize(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var trimmed = address.Trim();
        try
        {
            trimmed = trimmed.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // A lone surrogate: no account can have it (Identity could not normalize it either).
        }
        return trimmed.ToUpperInvariant();
    }
}

/// <summary>
/// Wrong passwords for addresses that have no account, counted as Identity counts an account's: after as many as lock
/// an account, the address answers "locked" for as long. Otherwise the lockout told who has an account (security
/// review: a real address locked after five tries, an unknown one never). Counted in the database like an account's,
/// so several instances behind round robin lock an unknown address after as many tries as a real one.
/// </summary>
public sealed class UnknownAddressLockout(FraudDbContext db, UnknownAddressKey key, IOptions<IdentityOptions> identity, TimeProvider clock)
{
    /// <summary>How long a count is kept after its last failure: as long as an account's.</summary>
    public static readonly TimeSpan Remembered = FraudWeb.Infrastructure.Security.CountingUserManager.FailuresRemembered;

    public Task<bool> IsLockedOutAsync(string address, CancellationToken cancellationToken)
    {
        var hash = key.Hash(address);
        var now = clock.GetUtcNow().UtcDateTime;
        return db.UnknownAddressFailures.AnyAsync(f => f.AddressHash == hash && f.LockedUntilUtc > now, cancellationToken);
    }

    /// <summary>Counts a wrong password; true when the address is locked after it.</summary>
    public async Task<bool> FailedAsync(string address, CancellationToken cancellationToken)
    {
        var lockout = identity.Value.Lockout;
        var max = Math.Max(1, lockout.MaxFailedAccessAttempts);
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + lockout.DefaultLockoutTimeSpan;
        var forgetBefore = now - Remembered;
        var hash = key.Hash(address);
        var locksAtOnce = max == 1;
        // One statement, so tries on several instances at the same moment are all counted (a read and a later write
        // would lose some). As Identity does, the count starts again when a lockout starts; a count a day old is forgotten.
        var lockedUntil = await db.Database.SqlQuery<DateTime?>($"""
            INSERT INTO "UnknownAddressFailures" AS f ("AddressHash", "Failures", "LockedUntilUtc", "LastFailedUtc")
            VALUES ({hash}, {(locksAtOnce ? 0 : 1)}, {(locksAtOnce ? until : null)}, {now})
            ON CONFLICT ("AddressHash") DO UPDATE SET
                "Failures" = (CASE WHEN f."LastFailedUtc" < {forgetBefore} THEN 0 ELSE f."Failures" END + 1) % {max},
                "LockedUntilUtc" = CASE WHEN (CASE WHEN f."LastFailedUtc" < {forgetBefore} THEN 0 ELSE f."Failures" END + 1) >= {max}
                    THEN {until} ELSE f."LockedUntilUtc" END,
                "LastFailedUtc" = {now}
            RETURNING "LockedUntilUtc" AS "Value"
            """).ToListAsync(cancellationToken);
        // Counts nobody added to for a day go; a lockout still running stays (a lockout longer than a day is configurable).
        await db.UnknownAddressFailures.Where(f => f.LastFailedUtc < forgetBefore && (f.LockedUntilUtc == null || f.LockedUntilUtc < now))
            .ExecuteDeleteAsync(cancellationToken);
        return lockedUntil is [{ } end] && end > now;
    }
}
