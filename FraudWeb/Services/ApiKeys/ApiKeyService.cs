using FraudWeb.Services.Privacy;
using FraudWeb.Infrastructure.Localization;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Admin;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.ApiKeys;

/// <summary>A key just created: the only moment its full text exists outside the caller's hands.</summary>
/// <param name="Scopes">As stored: each once, in the order the API lists them.</param>
public sealed record NewApiKey(long Id, string Prefix, string Secret, DateTime ExpiresUtc, IReadOnlyList<string> Scopes);

/// <summary>Who an authenticated API request acts for: the key, its owner and the scopes it may use right now.</summary>
/// <param name="ConsentMissing">
/// The key's owner is a card holder with no consent recorded to the current privacy notice (PIPL article 29): the key
/// works for nothing until they give it on the website.
/// </param>
public sealed record ApiCaller(long KeyId, string UserId, IReadOnlyList<string> Scopes, bool ConsentMissing = false);

/// <summary>The server's key for hashing API keys (HMAC-SHA256), kept out of the database.</summary>
public sealed class ApiKeyHashKey(byte[] key)
{
    public string Hash(string secret) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(secret)));
}

/// <summary>
/// Creating, revoking and checking API keys. A key is "fwk_" + 8 random characters (the prefix, stored and shown) +
/// "_" + 32 random bytes; only its HMAC is stored, so a copy of the database does not reveal any key.
/// </summary>
public sealed class ApiKeyService(FraudDbContext db, ApiKeyHashKey hashKey, ApiKeyCache cache, ApiKeyUsage usage, SecurityStampCache stamps, AuditLog audit, TimeProvider clock) : IAccountKeyRevoker
{
    public const string KeyPrefix = "fwk_";
    public const int MaxActiveKeysPerOwner = 20;
    public const string AuditTarget = AuditTargets.ApiKey;
    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>The inputs errors can point at; the forms use the same names.</summary>
    public static class Fields
    {
        public const string Name = "Name";
        public const string Scopes = "Scopes";
        public const string Owner = "OwnerEmail";
        public const string Lifetime = "LifetimeDays";
    }

    public const string OwnKeyScopesOnly = "Your own key cannot have the scope \"{0}\": choose among {1}.";

    /// <summary>
    /// Creates a key for <paramref name="ownerId"/>. Card holders create their own (<paramref name="actorId"/> is the
    /// owner: self-service scopes only); an administrator creates integration keys for other users with staff scopes
    /// their permissions allow (never a card holder's scopes: that would let the administrator act as them). Audited.
    /// </summary>
    /// <param name="formKey">
    /// The create form page's one-time key: the same page sent again (a reload of the page showing the new key, a
    /// double click) creates nothing and answers <see cref="ErrorCode.Conflict"/> naming the key it created. Kept in the
    /// actor's form key space (<see cref="IdempotencyRecord.FormNamespace"/>), in the key's own save.
    /// </param>
    public async Task<Result<NewApiKey>> CreateAsync(string ownerId, string actorId, string name, IReadOnlyCollection<string> scopes, int lifetimeDays, string? formKey,
        CancellationToken cancellationToken)
    {
        if (formKey is not null && await CreatedByFormAsync(actorId, formKey, cancellationToken) is { } earlier) return earlier;
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Count == 0) return Result.Fail<NewApiKey>(ErrorCode.Invalid, Text.Get("Choose at least one scope."), Fields.Scopes);
        if (scopes.FirstOrDefault(s => !ApiScopes.All.Contains(s)) is { } unknown)
            return Result.Fail<NewApiKey>(ErrorCode.Invalid, Text.Format("There is no scope \"{0}\".", unknown), Fields.Scopes);
        var selfService = ownerId == actorId;
        if (selfService && scopes.FirstOrDefault(s => !ApiScopes.SelfService.Contains(s)) is { } staffScope)
        {
            // An administrator is told who makes such a key; a card holder has no administrator to ask (API test).
            return (await db.PermissionsOfAsync(actorId, cancellationToken)).Contains(Permissions.UsersManage)
                ? Result.Fail<NewApiKey>(ErrorCode.Refused, Text.Format("A key with the scope \"{0}\" is made by an administrator for someone else's account, never for one's own: ask another administrator.", staffScope), Fields.Scopes)
                : Result.Fail<NewApiKey>(ErrorCode.Refused, Text.Format(OwnKeyScopesOnly, staffScope, string.Join(", ", ApiScopes.SelfService)), Fields.Scopes);
        }
        if (!selfService && scopes.FirstOrDefault(s => ApiScopes.SelfService.Contains(s)) is { } holderScope)
            return Result.Fail<NewApiKey>(ErrorCode.Refused, Text.Format("The scope \"{0}\" acts as a card holder: only card holders give it, to their own keys.", holderScope), Fields.Scopes);
        var allowed = ApiScopes.AllowedBy(await db.PermissionsOfAsync(ownerId, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        if (scopes.FirstOrDefault(s => !allowed.Contains(s)) is { } notHeld)
            return Result.Fail<NewApiKey>(ErrorCode.Invalid, Text.Format("The key's owner does not have the permission the scope \"{0}\" needs ({1}).", notHeld, ApiScopes.RequiredPermission[notHeld]), Fields.Scopes);
        // The administrator sees the key's text, so they could use it themselves: they give only what they hold.
        if (!selfService)
        {
            var actorAllowed = ApiScopes.AllowedBy(await db.PermissionsOfAsync(actorId, cancellationToken)).ToHashSet(StringComparer.Ordinal);
            if (scopes.FirstOrDefault(s => !actorAllowed.Contains(s)) is { } notYours)
                return Result.Fail<NewApiKey>(ErrorCode.Refused, Text.Format(NotYoursToGive, notYours, ApiScopes.RequiredPermission[notYours]), Fields.Scopes);
        }
        if (lifetimeDays is < 1 or > 366) return Result.Fail<NewApiKey>(ErrorCode.Invalid, Text.Get("A key lasts between 1 and 366 days."), Fields.Lifetime);
        var now = clock.GetUtcNow().UtcDateTime;
        if (await db.ApiKeys.OwnedBy(ownerId).CountAsync(k => k.RevokedUtc == null && k.ExpiresUtc > now, cancellationToken) >= MaxActiveKeysPerOwner)
            return Result.Fail<NewApiKey>(ErrorCode.Refused, Text.Format("An account can have at most {0} active keys; revoke one first.", MaxActiveKeysPerOwner));

        var prefix = KeyPrefix + RandomNumberGenerator.GetString(PrefixAlphabet, 8);
        var secret = prefix + "_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        ApiKey key;
        try
        {
            key = ApiKey.Create(ownerId, name, prefix, hashKey.Hash(secret), scopes, actorId, now, TimeSpan.FromDays(lifetimeDays));
        }
        catch (DomainException ex)
        {
            return Result.Fail<NewApiKey>(ErrorCode.Invalid, Text.Of(ex), Fields.Name);
        }
        db.ApiKeys.Add(key);
        // The audit entry names the key by its prefix (unique, known before the save), so both are written in one save.
        await audit.AppendAsync(actorId, AuditActions.ApiKeyCreate, AuditTarget, key.Prefix, null,
            new { Owner = ownerId, key.Scopes, key.ExpiresUtc }, cancellationToken);
        if (formKey is not null) db.IdempotencyRecords.Add(IdempotencyRecord.ForForm(IdempotencyRecord.FormNamespace(actorId), FormRecordKey(formKey), FormRequestHash, key.Prefix, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (formKey is not null)
        {
            // The same page sent twice at once: the other request's save won the form key's unique index; ours saved nothing.
            db.ChangeTracker.Clear();
            if (await CreatedByFormAsync(actorId, formKey, cancellationToken) is { } other) return other;
            throw;
        }
        return Result.Success(new NewApiKey(key.Id, prefix, secret, key.ExpiresUtc, key.ScopeList));
    }

    public const string NotYoursToGive = "You do not have the permission the scope \"{0}\" needs ({1}) yourself, so you cannot give it: the key's text is shown to you.";

    /// <summary>
    /// An administrator's key for the user they name by email: as <see cref="CreateAsync"/>, or Invalid on the owner
    /// field when no user has that email (checked first, as the form did).
    /// </summary>
    public async Task<Result<NewApiKey>> CreateForEmailAsync(string ownerEmail, string actorId, string name, IReadOnlyCollection<string> scopes, int lifetimeDays,
        string? formKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerEmail);
        var normalized = ownerEmail.Trim().ToUpperInvariant();
        var ownerId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken);
        if (ownerId is null) return Result.Fail<NewApiKey>(ErrorCode.Invalid, Text.Get("There is no user with this email."), Fields.Owner);
        return await CreateAsync(ownerId, actorId, name, scopes, lifetimeDays, formKey, cancellationToken);
    }

    private const string FormRequestHash = "api-key-create";

    /// <summary>Apart from the payment form's keys in the same key space.</summary>
    private static string FormRecordKey(string formKey) => "api-key " + formKey;

    /// <summary>The refusal for a create form already used, naming the key it created (by name and prefix: never its text).</summary>
    private async Task<Result<NewApiKey>?> CreatedByFormAsync(string actorId, string formKey, CancellationToken cancellationToken)
    {
        var space = IdempotencyRecord.FormNamespace(actorId);
        var cutoff = clock.GetUtcNow().UtcDateTime - IdempotencyRecord.Retention;
        var record = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.ApiKeyId == space && r.Key == FormRecordKey(formKey) && r.CreatedUtc > cutoff, cancellationToken);
        if (record?.Location is not { } prefix) return null;
        var name = await db.ApiKeys.Where(k => k.Prefix == prefix).Select(k => k.Name).FirstOrDefaultAsync(cancellationToken) ?? prefix;
        return Result.Fail<NewApiKey>(ErrorCode.Conflict, Text.Format(
            "This form has already created the key \"{0}\" ({1}). Its full text was shown once, on the page that created it: if you did not copy it, revoke the key and create another.",
            name, prefix));
    }

    /// <summary>Revokes a key: the owner's own, or any key for an administrator (<paramref name="anyOwner"/>). Audited.</summary>
    public async Task<Result> RevokeAsync(long keyId, string actorId, bool anyOwner, CancellationToken cancellationToken)
    {
        var keys = anyOwner ? db.ApiKeys : db.ApiKeys.OwnedBy(actorId);
        var key = await keys.FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (key is null) return Result.NotFound(Text.Get("This key does not exist."));
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            key.Revoke(now);
        }
        catch (DomainException ex)
        {
            return Result.Fail(ErrorCode.Conflict, Text.Of(ex));
        }
        // Written only if nobody revoked it since the read: two revokes at once (two instances, two administrators)
        // made two audit entries, and the later time overwrote the first.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var written = await db.ApiKeys.Where(k => k.Id == key.Id && k.RevokedUtc == null)
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedUtc, now), cancellationToken);
            if (written == 0) return Result.Fail(ErrorCode.Conflict, Text.Get(ApiKey.AlreadyRevoked));
            db.Entry(key).State = EntityState.Unchanged;
            await audit.AppendAsync(actorId, AuditActions.ApiKeyRevoke, AuditTarget, key.Prefix,
                new { Owner = key.OwnerId, Revoked = false }, new { Owner = key.OwnerId, Revoked = true }, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await cache.ForgetAsync(key.Hash);
        return Result.Ok;
    }

    /// <summary>
    /// Every active key of the user revoked, each audited; saved with the caller's changes. The new security stamp the
    /// caller saves with them makes every instance drop the keys it had authenticated (ApiKeyCache checks the stamp).
    /// </summary>
    public Task<int> RevokeAllAsync(string userId, string actorId, CancellationToken cancellationToken) =>
        RevokeEachAsync(db.ApiKeys.OwnedBy(userId), actorId, cancellationToken);

    /// <summary>
    /// Every active key the user made for someone else revoked, each audited. The revoked keys' cached checks end with
    /// the creator's new security stamp (or deleted account), which the cache checks for such keys.
    /// </summary>
    public Task<int> RevokeMadeForOthersAsync(string userId, string actorId, CancellationToken cancellationToken) =>
        RevokeEachAsync(db.ApiKeys.Where(k => k.CreatedBy == userId && k.OwnerId != userId), actorId, cancellationToken);

    private async Task<int> RevokeEachAsync(IQueryable<ApiKey> candidates, string actorId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var keys = await candidates.Where(k => k.RevokedUtc == null).ToListAsync(cancellationToken);
        var revoked = 0;
        foreach (var key in keys.Where(k => k.IsActive(now)))
        {
            key.Revoke(now);
            await audit.AppendAsync(actorId, AuditActions.ApiKeyRevoke, AuditTarget, key.Prefix,
                new { Owner = key.OwnerId, Revoked = false }, new { Owner = key.OwnerId, Revoked = true }, cancellationToken);
            revoked++;
        }
        return revoked;
    }

    /// <summary>
    /// The caller a presented key stands for, or null when it is unknown, wrong, expired, revoked or its owner is
    /// locked out. Scopes are narrowed to what the owner's permissions allow now.
    /// </summary>
    public async Task<ApiCaller?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (Prefix(presented) is not { } prefix) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var hash = hashKey.Hash(presented);
        if (FromCache(hash, now) is { } known) return known;
        var generation = stamps.Generation;
        var keysGeneration = cache.Generation;
        // One query: the key, its owner's lockout, and whether the owner's roles grant each permission a scope needs.
        var found = await db.ApiKeys.AsNoTracking().Where(k => k.Prefix == prefix)
            .Select(k => new
            {
                Key = k,
                LockoutEnd = db.Users.Where(u => u.Id == k.OwnerId).Select(u => u.LockoutEnd).FirstOrDefault(),
                Stamp = db.Users.Where(u => u.Id == k.OwnerId).Select(u => u.SecurityStamp).FirstOrDefault(),
                // An administrator who made the key for someone else has seen its text: their lock stops it too.
                CreatorLockoutEnd = db.Users.Where(u => u.Id == k.CreatedBy && k.CreatedBy != k.OwnerId).Select(u => u.LockoutEnd).FirstOrDefault(),
                CreatorStamp = db.Users.Where(u => u.Id == k.CreatedBy && k.CreatedBy != k.OwnerId).Select(u => u.SecurityStamp).FirstOrDefault(),
                Submit = db.UserRoles.Any(r => r.UserId == k.OwnerId && db.RoleClaims.Any(c => c.RoleId == r.RoleId && c.ClaimType == Permissions.ClaimType && c.ClaimValue == Permissions.TransactionsSubmit)),
                Report = db.UserRoles.Any(r => r.UserId == k.OwnerId && db.RoleClaims.Any(c => c.RoleId == r.RoleId && c.ClaimType == Permissions.ClaimType && c.ClaimValue == Permissions.ReportsCreate)),
                Review = db.UserRoles.Any(r => r.UserId == k.OwnerId && db.RoleClaims.Any(c => c.RoleId == r.RoleId && c.ClaimType == Permissions.ClaimType && c.ClaimValue == Permissions.ReportsReview)),
                View = db.UserRoles.Any(r => r.UserId == k.OwnerId && db.RoleClaims.Any(c => c.RoleId == r.RoleId && c.ClaimType == Permissions.ClaimType && c.ClaimValue == Permissions.ModelsView)),
                Block = db.UserRoles.Any(r => r.UserId == k.OwnerId && db.RoleClaims.Any(c => c.RoleId == r.RoleId && c.ClaimType == Permissions.ClaimType && c.ClaimValue == Permissions.CardsBlock)),
                ConsentMissing = db.CardHolders.Any(h => h.UserId == k.OwnerId && (h.ConsentedUtc == null || h.ConsentNotice != PrivacyNotice.Version)),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null) return null;
        var expected = Encoding.ASCII.GetBytes(found.Key.Hash);
        var actual = Encoding.ASCII.GetBytes(hash);
        if (!CryptographicOperations.FixedTimeEquals(expected, actual)) return null;
        // Only an administrator's lock stops the keys: failed sign-ins lock the password for minutes, and counting
        // that would let anyone who knows the address switch a holder's integrations off (five wrong passwords).
        if (!found.Key.IsActive(now) || AdminLock.IsAdminLock(found.LockoutEnd) || AdminLock.IsAdminLock(found.CreatorLockoutEnd)) return null;
        var held = new List<string>(5);
        if (found.Submit) held.Add(Permissions.TransactionsSubmit);
        if (found.Report) held.Add(Permissions.ReportsCreate);
        if (found.Review) held.Add(Permissions.ReportsReview);
        if (found.View) held.Add(Permissions.ModelsView);
        if (found.Block) held.Add(Permissions.CardsBlock);
        var allowed = ApiScopes.AllowedBy(held).ToHashSet(StringComparer.Ordinal);
        var lastUsed = found.Key.LastUsedUtc;
        if (lastUsed is not { } last || now - last > LastUsedPrecision)
        {
            lastUsed = now;
            usage.Note(found.Key.Id, now);
        }
        // Without consent only a card's stop stays open (cards:write; adding a card is refused by CardService): stopping a
        // lost card protects the holder and must never wait.
        var caller = found.ConsentMissing
            ? new ApiCaller(found.Key.Id, found.Key.OwnerId, found.Key.ScopeList.Where(s => s == ApiScopes.CardsWrite && allowed.Contains(s)).ToList(), ConsentMissing: true)
            : new ApiCaller(found.Key.Id, found.Key.OwnerId, found.Key.ScopeList.Where(allowed.Contains).ToList());
        // Not remembered without consent (rare: holders from before it was recorded): the key works as soon as it is given.
        if (found.Stamp is { } stamp && !found.ConsentMissing)
        {
            stamps.Remember(caller.UserId, stamp, generation);
            // The creator's stamp too (renewed by their lock or forced reset; forgotten when their account is deleted).
            var creator = found.CreatorStamp is { } creatorStamp ? (found.Key.CreatedBy, creatorStamp) : ((string, string)?)null;
            if (creator is { } made) stamps.Remember(made.Item1, made.Item2, generation);
            cache.Remember(hash, new ApiKeyCache.Entry(caller, stamp, creator, now + ApiKeyCache.Lifetime, found.Key.ExpiresUtc, lastUsed), keysGeneration);
        }
        return caller;
    }

    /// <summary>
    /// Whether a key with the presented key's prefix exists (one indexed read, no hash): for an address that has sent
    /// too many keys that do not work, whose made-up keys are then refused without a hash, while the keys that exist
    /// (its integrations', whatever their state) are still checked in full.
    /// </summary>
    public async Task<bool> PrefixExistsAsync(string presented, CancellationToken cancellationToken) =>
        Prefix(presented) is { } prefix && await db.ApiKeys.AnyAsync(k => k.Prefix == prefix, cancellationToken);

    /// <summary>The key's prefix when it has a key's shape, else null.</summary>
    private static string? Prefix(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        // A token shorter than the prefix is simply unknown (the API fuzzer found IndexOf past its end answering 500).
        if (presented.Length > 100 || !presented.StartsWith(KeyPrefix, StringComparison.Ordinal)) return null;
        var separator = presented.IndexOf('_', KeyPrefix.Length);
        return separator == ApiKey.PrefixLength ? presented[..separator] : null;
    }

    private ApiCaller? FromCache(string hash, DateTime now)
    {
        if (cache.Find(hash, now, stamps.Matches) is not { } cached) return null;
        if (cached.LastUsed is not { } used || now - used > LastUsedPrecision)
        {
            cached.LastUsed = now;
            usage.Note(cached.Caller.KeyId, now);
        }
        return cached.Caller;
    }

    /// <summary>"Last used" to the minute, written in the background (<see cref="ApiKeyUsage"/>).</summary>
    public static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);
}
