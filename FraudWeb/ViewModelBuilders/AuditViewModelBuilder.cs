using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Admin;
using FraudWeb.ViewModels.Admin;
using FraudWeb.ViewModels.Common;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>
/// The audit log screen: filters by actor, action, target and dates, newest first. Entries hold user ids only
/// (ADR 0004), so actor emails are looked up here, from the accounts that still exist.
/// </summary>
public sealed class AuditViewModelBuilder(FraudDbContext db)
{
    public const int PageSize = 25;

    public async Task<AuditListViewModel> ListAsync(AuditQueryViewModel query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entries = db.Set<AuditEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var pattern = LikePattern.Containing(query.Actor);
            // Ignoring case on both providers (SQLite's LIKE already does; PostgreSQL's needs ILIKE).
            var actors = db.Database.IsNpgsql()
                ? db.Users.Where(u => u.Email != null && EF.Functions.ILike(u.Email, pattern, LikePattern.Escape))
                : db.Users.Where(u => u.Email != null && EF.Functions.Like(u.Email, pattern, LikePattern.Escape));
            var actorIds = actors.Select(u => u.Id);
            entries = entries.Where(e => actorIds.Contains(e.ActorId));
        }
        if (!string.IsNullOrWhiteSpace(query.Operation)) entries = entries.Where(e => e.Action == query.Operation.Trim());
        if (!string.IsNullOrWhiteSpace(query.Target)) entries = entries.Where(e => e.TargetId == query.Target.Trim());
        if (query.From is { } from)
        {
            var fromUtc = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.TimestampUtc >= fromUtc);
        }
        // The last possible day has no day after it: no upper bound then (found by the form fuzzer: To=9999-12-31).
        if (query.To is { } to && to < DateOnly.MaxValue)
        {
            var toUtc = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.TimestampUtc < toUtc);
        }
        // Shown for an actor whose account was deleted: the id stays, the person is gone (in the page's language; a query parameter).
        var deletedActor = Text.Get("deleted account") + " ";
        var total = await entries.CountAsync(cancellationToken);
        var page = Paging.ClampPage(query.Page, total, PageSize);
        var rows = await entries.OrderByDescending(e => e.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(e => new AuditRowViewModel(e.Id, e.TimestampUtc,
                db.Users.Where(u => u.Id == e.ActorId).Select(u => u.Email).FirstOrDefault() ?? deletedActor + e.ActorId,
                e.Action, e.TargetType, e.TargetId, e.Before, e.After,
                // A user target by the address staff know them by (the id stays, for searching).
                e.TargetType == "user" ? db.Users.Where(u => u.Id == e.TargetId).Select(u => u.Email).FirstOrDefault() : null))
            .ToListAsync(cancellationToken);
        query.Page = page;
        return new AuditListViewModel { Query = query, Entries = new PagedList<AuditRowViewModel>(rows, page, PageSize, total), Actions = AuditActions.All };
    }
}
