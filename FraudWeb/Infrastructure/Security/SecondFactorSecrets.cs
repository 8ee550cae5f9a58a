using System.Security.Cryptography;
using System.Text;
using FraudWeb.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// The second factor's secrets as they are stored (ASVS 2.8.x, 2.5.x; auditor's test: Identity keeps the authenticator key
/// and the recovery codes as plain text, so a copy of the database or a backup was enough to pass two-step sign-in).
/// The authenticator key is encrypted (AES-GCM, bound to its account) and each recovery code kept as a keyed hash
/// (HMAC-SHA256), under keys derived from Cards:FingerprintKey, which is kept out of the database.
/// </summary>
public sealed class SecondFactorSecrets(CardKeyProvider keys)
{
    /// <summary>Identity's own names for the rows (UserStoreBase's private constants).</summary>
    public const string LoginProvider = "[AspNetUserStore]";
    public const string AuthenticatorKeyName = "AuthenticatorKey";
    public const string RecoveryCodesName = "RecoveryCodes";

    private const string Encrypted = "v1:";
    private const string Hashed = "h1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _encryptionKey = keys.DeriveKey("authenticator-key");
    private readonly byte[] _hashKey = keys.DeriveKey("recovery-codes");

    public static bool IsProtectedKey(string? stored) => stored?.StartsWith(Encrypted, StringComparison.Ordinal) == true;

    public static bool AreHashedCodes(string? stored) => stored?.StartsWith(Hashed, StringComparison.Ordinal) == true;

    public string ProtectKey(string userId, string key)
    {
        var plain = Encoding.UTF8.GetBytes(key);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(userId));
        return Encrypted + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The key; a row from before (plain text) as it is; null for one that does not open (another key, altered).</summary>
    public string? UnprotectKey(string userId, string? stored)
    {
        if (stored is null || !IsProtectedKey(stored)) return stored;
        try
        {
            var sealedBytes = Convert.FromBase64String(stored[Encrypted.Length..]);
            var length = sealedBytes.Length - NonceSize - TagSize;
            if (length < 0) return null;
            var plain = new byte[length];
            using var aes = new AesGcm(_encryptionKey, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plain, Encoding.UTF8.GetBytes(userId));
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception ex) when (ex is FormatException or AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    public string HashCodes(IEnumerable<string> codes) => Hashed + string.Join(';', codes.Select(Hash));

    /// <summary>The stored codes' hashes (plain codes of a row from before are hashed as they are read).</summary>
    public List<string> StoredHashes(string? stored) =>
        string.IsNullOrEmpty(stored) ? []
        : AreHashedCodes(stored) ? [.. stored[Hashed.Length..].Split(';', StringSplitOptions.RemoveEmptyEntries)]
        : [.. stored.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Hash)];

    public string Hash(string code) => Convert.ToBase64String(HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(code)));

    /// <summary>
    /// Rows written before this (plain key, plain codes) protected once at start. Each is rewritten only if it still holds
    /// what was read (a code redeemed meanwhile on another instance is not brought back). On SQLite the old values are
    /// also wiped from the file's free space and the write-ahead log, as an erasure's are (ADR 0004's addendum); on
    /// PostgreSQL they stay in dead row versions until VACUUM (ADR 0033).
    /// </summary>
    public async Task ProtectStoredAsync(FraudDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.UserTokens.AsNoTracking()
            .Where(t => t.LoginProvider == LoginProvider && (t.Name == AuthenticatorKeyName || t.Name == RecoveryCodesName) && t.Value != null
                && !t.Value.StartsWith(Encrypted) && !t.Value.StartsWith(Hashed))
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) return;
        var sqlite = db.Database.IsSqlite();
        if (sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete=ON;", cancellationToken);
        }
        try
        {
            foreach (var row in rows)
            {
                var protectedValue = row.Name == AuthenticatorKeyName ? ProtectKey(row.UserId, row.Value!) : Hashed + string.Join(';', StoredHashes(row.Value));
                await db.UserTokens.Where(t => t.UserId == row.UserId && t.LoginProvider == row.LoginProvider && t.Name == row.Name && t.Value == row.Value)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Value, protectedValue), cancellationToken);
            }
            if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        }
        finally
        {
            if (sqlite)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete=FAST;", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}

/// <summary>Identity's EF Core user store, keeping the second factor's secrets as <see cref="SecondFactorSecrets"/> says.</summary>
public sealed class ProtectedSecretsUserStore(FraudDbContext context, SecondFactorSecrets secrets, IdentityErrorDescriber? describer = null)
    : UserStore<ApplicationUser, IdentityRole, FraudDbContext>(context, describer)
{
    public override async Task SetTokenAsync(ApplicationUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (loginProvider == SecondFactorSecrets.LoginProvider && name == SecondFactorSecrets.AuthenticatorKeyName && value is not null)
            value = secrets.ProtectKey(user.Id, value);
        await base.SetTokenAsync(user, loginProvider, name, value, cancellationToken);
    }

    public override async Task<string?> GetTokenAsync(ApplicationUser user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return loginProvider == SecondFactorSecrets.LoginProvider && name == SecondFactorSecrets.AuthenticatorKeyName
            ? secrets.UnprotectKey(user.Id, stored) : stored;
    }

    public override Task ReplaceCodesAsync(ApplicationUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recoveryCodes);
        return base.SetTokenAsync(user, SecondFactorSecrets.LoginProvider, SecondFactorSecrets.RecoveryCodesName, secrets.HashCodes(recoveryCodes), cancellationToken);
    }

    public override async Task<bool> RedeemCodeAsync(ApplicationUser user, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(code);
        var hashes = secrets.StoredHashes(await base.GetTokenAsync(user, SecondFactorSecrets.LoginProvider, SecondFactorSecrets.RecoveryCodesName, cancellationToken));
        var typed = Encoding.ASCII.GetBytes(secrets.Hash(code));
        var index = hashes.FindIndex(h => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), typed));
        if (index < 0) return false;
        hashes.RemoveAt(index);
        // Saved as Identity saves the codes (its caller updates the user): the code works once.
        await base.SetTokenAsync(user, SecondFactorSecrets.LoginProvider, SecondFactorSecrets.RecoveryCodesName, "h1:" + string.Join(';', hashes), cancellationToken);
        return true;
    }

    public override async Task<int> CountCodesAsync(ApplicationUser user, CancellationToken cancellationToken) =>
        secrets.StoredHashes(await base.GetTokenAsync(user, SecondFactorSecrets.LoginProvider, SecondFactorSecrets.RecoveryCodesName, cancellationToken)).Count;
}
