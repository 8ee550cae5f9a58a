using System.Collections.Concurrent;
using FraudWeb.Infrastructure.Security;

namespace FraudWeb.Services.ApiKeys;

/// <summary>
/// Keys checked recently, so a request does not query the database for its key (measured: the lookup was 31% of an
/// API payment's time under load). An entry is used only while the owner's security stamp is the one remembered
/// (<see cref="Infrastructure.Security.SecurityStampCache"/>: any change of roles, permissions, lockout or password
/// renews it), the key has not expired, and for at most <see cref="Lifetime"/>. Revoking a key forgets it at once in
/// this process and, through <see cref="ClusterInvalidation"/>, in the others within milliseconds (at worst when the
/// entry expires). A key read from the database is only remembered if nothing was forgotten meanwhile (the generation,
/// as <see cref="Infrastructure.Security.SecurityStampCache"/> has): a read that raced a revocation would otherwise put
/// the revoked key back for a whole <see cref="Lifetime"/>.
/// </summary>
public sealed class ApiKeyCache
{
    private const string Kind = "api-key";
    private readonly ClusterInvalidation _cluster;

    public ApiKeyCache(ClusterInvalidation cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _cluster = cluster;
        cluster.Received += (kind, hash) =>
        {
            if (kind != Kind) return;
            if (hash is null) ForgetAllHere();
            else ForgetHere(hash);
        };
        cluster.MayHaveMissedMessages += ForgetAllHere;
    }

    private readonly Lock _gate = new();
    private long _generation;

    /// <summary>Read before a key is read from the database, and given to <see cref="Remember"/> with what was read.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int MaxEntries = 50_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// A checked key: the caller, the owner's stamp then (and the creator's, for a key an administrator made for someone
    /// else), and until when it may be used without a query.
    /// </summary>
    public sealed class Entry(ApiCaller caller, string ownerStamp, (string UserId, string Stamp)? creator, DateTime cachedUntil, DateTime keyExpires, DateTime? lastUsed)
    {
        public ApiCaller Caller { get; } = caller;
        public string OwnerStamp { get; } = ownerStamp;
        public (string UserId, string Stamp)? Creator { get; } = creator;
        public DateTime CachedUntil { get; } = cachedUntil;
        public DateTime KeyExpires { get; } = keyExpires;
        public DateTime? LastUsed { get; set; } = lastUsed;
    }

    public Entry? Find(string hash, DateTime nowUtc, Func<string, string, bool> stampIsCurrent)
    {
        ArgumentNullException.ThrowIfNull(stampIsCurrent);
        if (!_entries.TryGetValue(hash, out var entry)) return null;
        if (nowUtc < entry.CachedUntil && nowUtc < entry.KeyExpires && stampIsCurrent(entry.Caller.UserId, entry.OwnerStamp)
            && (entry.Creator is not { } creator || stampIsCurrent(creator.UserId, creator.Stamp))) return entry;
        _entries.TryRemove(hash, out _);
        return null;
    }

    /// <summary>Remembers a key read from the database when <see cref="Generation"/> was <paramref name="readAt"/>.</summary>
    public void Remember(string hash, Entry entry, long readAt)
    {
        lock (_gate)
        {
            if (_generation != readAt) return;
            if (_entries.Count >= MaxEntries) _entries.Clear();
            _entries[hash] = entry;
        }
    }

    /// <summary>Forgets the key here, and completes once every other instance has been told.</summary>
    public Task ForgetAsync(string hash)
    {
        ForgetHere(hash);
        return _cluster.PublishAsync(Kind, hash);
    }

    private void ForgetHere(string hash)
    {
        lock (_gate)
        {
            _generation++;
            _entries.TryRemove(hash, out _);
        }
    }

    private void ForgetAllHere()
    {
        lock (_gate)
        {
            _generation++;
            _entries.Clear();
        }
    }
}
