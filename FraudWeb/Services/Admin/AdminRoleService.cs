using FraudWeb.Infrastructure.Localization;
using System.Security.Claims;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Admin;

/// <summary>Which permissions each role grants. A change renews the security stamp of every member of the role.</summary>
public sealed class AdminRoleService(
    FraudDbContext db,
    RoleManager<IdentityRole> roles,
    UserManager<ApplicationUser> users,
    AdminGuard guard,
    AuditLog audit,
    ReviewAssignmentRelease assignments,
    SecurityStampCache stamps)
{
    public const string OwnRoleMessage = "You cannot change the permissions of a role you hold; an administrator outside it must do it.";

    public const string StaffPermissionOnCustomers = "The card holders' role cannot hold a staff permission: everyone who registers gets it. Give staff a staff role.";

    public const string ModelsViewNeeded = "Retraining, promoting and rolling back are done on the models page: grant models.view with models.retrain or models.manage.";

    public const string PermissionsChangedMeanwhile = "Another administrator changed this role's permissions since you opened the page; here they are as they are now. Choose again.";

    /// <summary>NotFound when the role does not exist; Refused for a role the actor holds.</summary>
    /// <param name="shown">The permissions the form showed when it was opened (null: not known, as from a script).</param>
    public async Task<Result> SetPermissionsAsync(string actorId, string roleName, IEnumerable<string> permissions, IEnumerable<string>? shown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        // A blank name from the route (model binding turns whitespace into null) names no role (found by the form fuzzer).
        if (string.IsNullOrWhiteSpace(roleName)) return Result.NotFound();
        var role = await roles.FindByNameAsync(roleName);
        if (role is null || !Roles.All.Contains(role.Name)) return Result.NotFound();
        var wanted = permissions.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Any(p => !Permissions.All.Contains(p))) return Result.Fail(ErrorCode.Invalid, Text.Get("Choose only listed permissions."));
        // Self-registration gives this role: a staff permission on it would make every newcomer staff.
        if (role.Name == Roles.Customer && wanted.Any(Permissions.Staff.Contains)) return Result.Fail(ErrorCode.Refused, Text.Get(StaffPermissionOnCustomers));
        // Retraining, promoting and rolling back are buttons on the models page, which needs models.view: without it the
        // members saw no panel and no link, and a retraining queued by hand led to a page they were denied.
        if (!wanted.Contains(Permissions.ModelsView) && wanted.Any(p => p is Permissions.ModelsRetrain or Permissions.ModelsManage))
            return Result.Fail(ErrorCode.Invalid, Text.Get(ModelsViewNeeded));

        await using var transaction = await guard.BeginAsync(cancellationToken);
        // Read again inside the guard's transaction: a change committed since the read above (its concurrency stamp)
        // made the claim changes below fail and the save throw, a 500 for a caller that sends no "shown".
        await db.Entry(role).ReloadAsync(cancellationToken);
        var current = (await roles.GetClaimsAsync(role)).Where(c => c.Type == Permissions.ClaimType).Select(c => c.Value).ToList();
        // Saving a form opened before another administrator's change would quietly undo it.
        if (shown is not null && !shown.Where(p => !string.IsNullOrWhiteSpace(p)).ToHashSet(StringComparer.Ordinal).SetEquals(current))
            return Result.Fail(ErrorCode.Conflict, Text.Get(PermissionsChangedMeanwhile));
        // Saved unchanged: nothing to do (new stamps would sign every member out, and the log would say nothing changed).
        if (current.ToHashSet(StringComparer.Ordinal).SetEquals(wanted)) return Result.Ok;
        var refusal = await guard.CheckAsync(s => s.RolePermissions[role.Name!] = wanted.ToHashSet(StringComparer.Ordinal), cancellationToken);
        if (refusal is not null) return refusal;
        // Separation of duties: a role one holds is one's own permissions; someone outside it must change them.
        if (await users.FindByIdAsync(actorId) is not { } actor || await users.IsInRoleAsync(actor, role.Name!))
            return Result.Fail(ErrorCode.Refused, Text.Get(OwnRoleMessage));
        foreach (var removed in current.Except(wanted))
        {
            if (!(await roles.RemoveClaimAsync(role, new Claim(Permissions.ClaimType, removed))).Succeeded) return ChangedMeanwhile();
        }
        foreach (var added in wanted.Except(current))
        {
            if (!(await roles.AddClaimAsync(role, new Claim(Permissions.ClaimType, added))).Succeeded) return ChangedMeanwhile();
        }
        await audit.AppendAsync(actorId, AuditActions.RolePermissions, "role", role.Name!,
            new { Permissions = current.Order(StringComparer.Ordinal) }, new { Permissions = wanted.Order(StringComparer.Ordinal) }, cancellationToken);
        if (current.Contains(Permissions.ReportsReview) && !wanted.Contains(Permissions.ReportsReview))
            await assignments.ReleaseWhereNoLongerReviewingAsync(actorId, db.UserRoles.Where(ur => ur.RoleId == role.Id).Select(ur => ur.UserId), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ChangedMeanwhile();
        }
        // Every member's stamp changes, so each one's cookie is refused on their next request (interval 0).
        var stamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        // Password-less users (new, or forced to reset) have no session to refresh, and keep their pending reset link.
        await db.Users.Where(u => u.PasswordHash != null && db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == role.Id))
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.SecurityStamp, stamp).SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // A bulk update bypasses the change tracker, so the stamp cache is told here, after the commit.
        await stamps.ForgetAllAsync();
        db.ChangeTracker.Clear();
        return Result.Ok;
    }

    /// <summary>The role changed under this save (its concurrency stamp): nothing is kept (the transaction is not committed).</summary>
    private Result ChangedMeanwhile()
    {
        db.ChangeTracker.Clear();
        return Result.Fail(ErrorCode.Conflict, Text.Get(PermissionsChangedMeanwhile));
    }
}
