using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.ViewModels.Admin;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>Which permissions each role grants, and how many people hold it.</summary>
public sealed class AdminRolesViewModelBuilder(FraudDbContext db)
{
    public async Task<RoleListViewModel> ListAsync(CancellationToken cancellationToken)
    {
        var all = await db.Roles.AsNoTracking().ToListAsync(cancellationToken);
        var claims = await db.RoleClaims.AsNoTracking().Where(c => c.ClaimType == Permissions.ClaimType).ToListAsync(cancellationToken);
        var counts = await db.UserRoles.AsNoTracking().GroupBy(ur => ur.RoleId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var rows = Roles.All.Select(name =>
        {
            var role = all.FirstOrDefault(r => r.Name == name);
            var granted = role is null ? [] : claims.Where(c => c.RoleId == role.Id).Select(c => c.ClaimValue!).OrderBy(p => p, StringComparer.Ordinal).ToList();
            return new RolePermissionsViewModel(name, granted, role is null ? 0 : counts.FirstOrDefault(c => c.Key == role.Id)?.Count ?? 0);
        }).ToList();
        return new RoleListViewModel { Roles = rows, AllPermissions = Permissions.All };
    }
}
