using FraudWeb.Infrastructure.Localization;
using FraudWeb.Authorization;
using FraudWeb.Data;
using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FraudWeb.Services.Admin;

/// <summary>
/// Keeps the system administrable: a change is refused when, after it, no active (unlocked) user would be an Admin who
/// holds users.manage through a role. Checked as two facts (an active Admin; an active holder of users.manage), another
/// role granted users.manage let its member take users.manage from the Admin role, and the only administrator was
/// then refused the user pages (exploratory test).
/// </summary>
public sealed class AdminGuard(FraudDbContext db, TimeProvider clock)
{
    public const string LastAdminMessage =
        "This would leave no active administrator able to manage users. Make someone else an administrator first.";

    /// <summary>Who holds what, restricted to the roles that matter here (Admin and those granting users.manage).</summary>
    public sealed class State
    {
        public required Dictionary<string, HashSet<string>> RolePermissions { get; init; }
        public required Dictionary<string, (HashSet<string> Roles, bool Active)> Users { get; init; }
    }

    /// <summary>PostgreSQL advisory lock taken by every guarded change (any number, the same on every instance).</summary>
    private const long GuardedChangeLock = 0x4677_4164_6d69_6e; // "FwAdmin"

    /// <summary>
    /// The transaction a guarded change runs in, one at a time, so a second administrator's change waits and then
    /// checks the state this one left. SQLite: Serializable is a write lock from the start (BEGIN IMMEDIATE).
    /// PostgreSQL: a transaction-scoped advisory lock, then reads that see every committed change (its Serializable
    /// would instead fail one of two concurrent changes with a serialization error).
    /// </summary>
    public async Task<IDbContextTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql()) return await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({GuardedChangeLock})", cancellationToken);
        return transaction;
    }

    /// <summary>Null when the change is safe, otherwise the refusal. Runs inside <see cref="BeginAsync"/>'s transaction.</summary>
    public async Task<Result?> CheckAsync(Action<State> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        // Checked outside the writing transaction, two administrators acting at once could both pass.
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("The last-administrator check must run inside the change's transaction.");
        var state = await LoadAsync(cancellationToken);
        // An installation already without one (such a state was allowed before 2026-12-06, or none was ever made) is not
        // frozen: its changes go on, so administrators can lock accounts and give the Admin role its permission back.
        if (!Administrable(state)) return null;
        change(state);
        return Administrable(state) ? null : Result.Fail(ErrorCode.Refused, Text.Get(LastAdminMessage));
    }

    private static bool Administrable(State state)
    {
        var managerRoles = state.RolePermissions.Where(r => r.Value.Contains(Permissions.UsersManage)).Select(r => r.Key).ToHashSet();
        return state.Users.Values.Any(u => u.Active && u.Roles.Contains(Roles.Admin) && u.Roles.Overlaps(managerRoles));
    }

    private async Task<State> LoadAsync(CancellationToken cancellationToken)
    {
        var roles = await db.Roles.AsNoTracking().Select(r => new { r.Id, r.Name }).ToListAsync(cancellationToken);
        var claims = await db.RoleClaims.AsNoTracking().Where(c => c.ClaimType == Permissions.ClaimType)
            .Select(c => new { c.RoleId, c.ClaimValue }).ToListAsync(cancellationToken);
        var permissions = roles.ToDictionary(r => r.Name!, r => claims.Where(c => c.RoleId == r.Id).Select(c => c.ClaimValue!).ToHashSet(), StringComparer.Ordinal);
        var relevant = roles.Where(r => r.Name == Roles.Admin || permissions[r.Name!].Contains(Permissions.UsersManage)).Select(r => r.Id).ToList();
        var members = await (from ur in db.UserRoles.AsNoTracking()
                             join u in db.Users.AsNoTracking() on ur.UserId equals u.Id
                             join r in db.Roles.AsNoTracking() on ur.RoleId equals r.Id
                             where relevant.Contains(ur.RoleId)
                             select new { u.Id, u.LockoutEnd, HasPassword = u.PasswordHash != null, Role = r.Name! }).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        // Active: can sign in now. An invitee who never chose a password (perhaps with an expired link) or an account
        // whose password was removed is no one who could act (review: an unaccepted invitation kept the last real
        // administrator removable).
        var users = members.GroupBy(m => m.Id).ToDictionary(g => g.Key,
            g => (g.Select(m => m.Role).ToHashSet(StringComparer.Ordinal), g.First().HasPassword && (g.First().LockoutEnd is not { } end || end <= now)), StringComparer.Ordinal);
        return new State { RolePermissions = permissions, Users = users };
    }
}
