using System.Collections.Concurrent;

namespace FraudWeb.Infrastructure.Security;

/// <summary>What was refused: each kind has its own budget per user, so spending one does not hide the other.</summary>
public enum RefusalKind
{
    /// <summary>A page or action the user's roles or the key's scopes do not allow.</summary>
    Authorization,

    /// <summary>Another person's card, payment or key asked for by id.</summary>
    OthersRecord,
}

/// <summary>
/// How often refused accesses are audited: at most one entry per user and endpoint (the same action for every id of
/// /AdminUsers/Details/{id}) a minute, and at most <see cref="PerUserPerWindow"/> per user, so one user retrying or
/// scripting refused pages or other people's ids cannot flood the append-only log. In memory, per instance (a refusal
/// seen by two instances may be recorded twice); entries older than the window are swept once a map grows past a few
/// thousand, so they stay small. Each <see cref="RefusalKind"/> has its own per-user budget.
/// </summary>
public sealed class RefusalThrottle(TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string User, RefusalKind Kind, string Page), DateTimeOffset> _recorded = new();
    private readonly ConcurrentDictionary<(string User, RefusalKind Kind), (DateTimeOffset Since, int Count)> _perUser = new();
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int SweepAbove = 4096;
    public const int PerUserPerWindow = 10;

    /// <summary>Whether this refusal of <paramref name="userId"/> on <paramref name="page"/> is to be recorded (and counts it if so).</summary>
    public bool ShouldRecord(string userId, string page, RefusalKind kind = RefusalKind.Authorization)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(page);
        var now = clock.GetUtcNow();
        var key = (userId, kind, page.Length > 450 ? page[..450] : page);
        if (_recorded.TryGetValue(key, out var last) && now - last < Window) return false;
        var counted = _perUser.AddOrUpdate((userId, kind), _ => (now, 1),
            (_, current) => now - current.Since >= Window ? (now, 1) : (current.Since, current.Count + 1));
        if (counted.Count > PerUserPerWindow) return false;
        if (_recorded.Count > SweepAbove)
        {
            foreach (var (old, at) in _recorded)
            {
                if (now - at >= Window) _recorded.TryRemove(old, out _);
            }
        }
        if (_perUser.Count > SweepAbove)
        {
            foreach (var (user, window) in _perUser)
            {
                if (now - window.Since >= Window) _perUser.TryRemove(user, out _);
            }
        }
        // Two refusals racing here may both pass: at most one extra entry.
        _recorded[key] = now;
        return true;
    }
}
