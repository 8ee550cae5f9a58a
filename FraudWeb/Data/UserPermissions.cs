using FraudWeb.Authorization;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Data;

/// <summary>What an account may do now, read from its roles' permission claims (not from a session's cookie).</summary>
public static class UserPermissions
{
    public static Task<List<string>> PermissionsOfAsync(this FraudDbContext db, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.UserRoles.Where(r => r.UserId == accountId)
            .Join(db.RoleClaims.Where(c => c.ClaimType == Permissions.ClaimType), r => r.RoleId, c => c.RoleId, (r, c) => c.ClaimValue!)
            .Distinct().ToListAsync(cancellationToken);
    }
}
