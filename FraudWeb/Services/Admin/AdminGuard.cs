using FraudWeb.Authorization;
using FraudWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Admin;

/// <summary>
/// Keeps the system administrable: a change is refused when, after it, no active (unlocked) user would be an Admin,
/// or no active user would hold users.manage through a role.
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

    /// <summary>Null when the change is safe, otherwise the message to show.</summary>
    public async Task<string?> CheckAsync(Action<State> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var state = await LoadAsync(cancellationToken);
        change(state);
        var active = state.Users.Values.Where(u => u.Active).ToList();
        var managerRoles = state.RolePermissions.Where(r => r.Value.Contains(Permissions.UsersManage)).Select(r => r.Key).ToHashSet();
        var ok = active.Any(u => u.Roles.Contains(Roles.Admin)) && active.Any(u => u.Roles.Overlaps(managerRoles));
        return ok ? null : LastAdminMessage;
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
                             select new { u.Id, u.LockoutEnd, Role = r.Name! }).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var users = members.GroupBy(m => m.Id).ToDictionary(g => g.Key,
            g => (g.Select(m => m.Role).ToHashSet(StringComparer.Ordinal), g.First().LockoutEnd is not { } end || end <= now), StringComparer.Ordinal);
        return new State { RolePermissions = permissions, Users = users };
    }
}
