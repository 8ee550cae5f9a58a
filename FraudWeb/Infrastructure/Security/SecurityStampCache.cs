using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using FraudWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// The security stamps of users seen recently, so the per-request session check (<see cref="SecurityStampCheck"/>)
/// reads memory instead of the database. An entry is forgotten once a change of that user's stamp has committed
/// (<see cref="SecurityStampChangeInterceptor"/>); a stamp read from the database is only remembered if no change was
/// forgotten meanwhile (the generation), so a read that raced a change can never bring the old stamp back.
/// Several instances (PostgreSQL): every forget is sent to the others too (<see cref="ClusterInvalidation"/>).
/// </summary>
public sealed class SecurityStampCache
{
    private const string Kind = "stamp";
    private const int MaxEntries = 100_000;

    /// <summary>
    /// How long a remembered stamp is trusted without a word from the other instances: the bound on a change whose
    /// message was lost (the database restarted between the change and its notification).
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly ClusterInvalidation _cluster;
    private readonly ConcurrentDictionary<string, (string Stamp, long Until)> _stamps = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _generation;

    public SecurityStampCache(ClusterInvalidation cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _cluster = cluster;
        cluster.Received += (kind, userId) =>
        {
            if (kind != Kind) return;
            if (userId is null) ForgetAllHere();
            else ForgetHere([userId]);
        };
        cluster.MayHaveMissedMessages += ForgetAllHere;
    }

    public long Generation => Interlocked.Read(ref _generation);

    public bool Matches(string userId, string stamp) =>
        _stamps.TryGetValue(userId, out var known) && known.Until > Environment.TickCount64 && string.Equals(known.Stamp, stamp, StringComparison.Ordinal);

    /// <summary>Remembers a stamp read from the database when <see cref="Generation"/> was <paramref name="readAt"/>.</summary>
    public void Remember(string userId, string stamp, long readAt)
    {
        lock (_gate)
        {
            if (_generation != readAt) return;
            if (_stamps.Count >= MaxEntries) _stamps.Clear();
            _stamps[userId] = (stamp, Environment.TickCount64 + (long)MaxAge.TotalMilliseconds);
        }
    }

    /// <summary>Forgets the users' stamps here, and completes once every other instance has been told.</summary>
    public Task ForgetAsync(IEnumerable<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var ids = userIds.ToList();
        ForgetHere(ids);
        return Task.WhenAll(ids.Select(id => _cluster.PublishAsync(Kind, id)));
    }

    /// <summary>After a bulk change of stamps (a role's permissions renew every member's), here and everywhere.</summary>
    public Task ForgetAllAsync()
    {
        ForgetAllHere();
        return _cluster.PublishAsync(Kind, null);
    }

    private void ForgetHere(IEnumerable<string> userIds)
    {
        lock (_gate)
        {
            _generation++;
            foreach (var id in userIds) _stamps.TryRemove(id, out _);
        }
    }

    private void ForgetAllHere()
    {
        lock (_gate)
        {
            _generation++;
            _stamps.Clear();
        }
    }
}

/// <summary>
/// Sees every saved change of a user's security stamp (or a deleted user) and makes <see cref="SecurityStampCache"/>
/// forget it after the change has committed: at once without a transaction, else when the transaction ends.
/// </summary>
public sealed class SecurityStampChangeInterceptor(SecurityStampCache cache) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, HashSet<string>> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        // Synchronous saves (none in the app's own paths) do not wait for the other instances to be told.
        _ = FlushUnlessInTransaction(eventData);
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await FlushUnlessInTransaction(eventData);
        return result;
    }

    /// <summary>
    /// The transaction that held the change has ended (committed or not: forgetting more is harmless); completes once
    /// the other instances have been told, so the request that made the change answers only after that.
    /// </summary>
    public Task TransactionEnded(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var ids)) return Task.CompletedTask;
        List<string> forgotten;
        lock (ids)
        {
            if (ids.Count == 0) return Task.CompletedTask;
            forgotten = [.. ids];
            ids.Clear();
        }
        return cache.ForgetAsync(forgotten);
    }

    private void Collect(DbContextEventData eventData)
    {
        if (eventData.Context is not { } context) return;
        var changed = context.ChangeTracker.Entries<ApplicationUser>()
            .Where(e => e.State == EntityState.Deleted || (e.State == EntityState.Modified && e.Property(u => u.SecurityStamp).IsModified))
            .Select(e => e.Entity.Id).ToList();
        if (changed.Count == 0) return;
        var ids = _pending.GetValue(context, _ => []);
        lock (ids) ids.UnionWith(changed);
    }

    private Task FlushUnlessInTransaction(DbContextEventData eventData) =>
        eventData.Context is { } context && context.Database.CurrentTransaction is null ? TransactionEnded(context) : Task.CompletedTask;
}

/// <summary>Tells <see cref="SecurityStampChangeInterceptor"/> when a transaction ends.</summary>
public sealed class SecurityStampTransactionInterceptor(SecurityStampChangeInterceptor changes) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => _ = changes.TransactionEnded(eventData?.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        changes.TransactionEnded(eventData?.Context);

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _ = changes.TransactionEnded(eventData?.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        changes.TransactionEnded(eventData?.Context);
}
