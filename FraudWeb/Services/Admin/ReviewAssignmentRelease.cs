using System.Globalization;
using FraudWeb.Authorization;
using FraudWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Admin;

/// <summary>
/// Gives back the payments someone was reviewing once they can no longer review (deleted, locked, or without
/// reports.review after a change of roles or permissions): left on their name, each waited for a person who could not
/// decide it, outside every other analyst's "assigned to no one" view. Each give-back is audited, by whom and from whom.
/// </summary>
public sealed class ReviewAssignmentRelease(FraudDbContext db, AuditLog audit)
{
    /// <summary>Releases <paramref name="userId"/>'s assignments (a deletion or a lock).</summary>
    public Task ReleaseAsync(string actorId, string userId, CancellationToken cancellationToken) =>
        ReleaseAsync(actorId, db.ReviewAssignments.Where(a => a.AssigneeId == userId), cancellationToken);

    /// <summary>
    /// Releases the assignments of those among <paramref name="userIds"/> whose roles, as stored now, no longer grant
    /// reports.review (after a change of their roles or of a role's permissions, saved in the same transaction).
    /// </summary>
    public Task ReleaseWhereNoLongerReviewingAsync(string actorId, IQueryable<string> userIds, CancellationToken cancellationToken)
    {
        var reviewingRoles = db.RoleClaims.Where(c => c.ClaimType == Permissions.ClaimType && c.ClaimValue == Permissions.ReportsReview).Select(c => c.RoleId);
        var reviewers = db.UserRoles.Where(ur => reviewingRoles.Contains(ur.RoleId)).Select(ur => ur.UserId);
        return ReleaseAsync(actorId, db.ReviewAssignments.Where(a => userIds.Contains(a.AssigneeId) && !reviewers.Contains(a.AssigneeId)), cancellationToken);
    }

    private async Task ReleaseAsync(string actorId, IQueryable<Domain.Entities.ReviewAssignment> assignments, CancellationToken cancellationToken)
    {
        foreach (var assignment in await assignments.ToListAsync(cancellationToken))
        {
            db.ReviewAssignments.Remove(assignment);
            await audit.AppendAsync(actorId, AuditActions.ReviewRelease, "transaction", assignment.TransactionId.ToString(CultureInfo.InvariantCulture),
                new { Assignee = assignment.AssigneeId }, null, cancellationToken);
        }
    }
}
