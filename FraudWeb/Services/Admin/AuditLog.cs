using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Admin;
using FraudWeb.ViewModels.Profile;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Admin;

/// <summary>Action names written to the audit log.</summary>
public static class AuditActions
{
    public const string UserCreate = "user.create";
    public const string UserEdit = "user.edit";
    public const string UserLock = "user.lock";
    public const string UserUnlock = "user.unlock";
    public const string UserPasswordReset = "user.password-reset";
    public const string UserDelete = "user.delete";
    public const string UserRoles = "user.roles";
    public const string RolePermissions = "role.permissions";

    public static IReadOnlyList<string> All { get; } = [UserCreate, UserEdit, UserLock, UserUnlock, UserPasswordReset, UserDelete, UserRoles, RolePermissions];
}

/// <summary>
/// Appends to and reads the audit log. There is deliberately no update or delete here: entries are only added,
/// in the same transaction as the change they describe.
/// </summary>
public sealed class AuditLog(FraudDbContext db, TimeProvider clock)
{
    public const int PageSize = 25;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Adds an entry to the unit of work; the caller's SaveChanges writes it with the change.</summary>
    public async Task AppendAsync(string actorId, string action, string targetType, string targetId, object? before, object? after, CancellationToken cancellationToken)
    {
        var actorEmail = await db.Users.Where(u => u.Id == actorId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken) ?? "";
        db.Set<AuditEntry>().Add(AuditEntry.Record(actorId, actorEmail, action, targetType, targetId,
            before is null ? null : JsonSerializer.Serialize(before, Json), after is null ? null : JsonSerializer.Serialize(after, Json),
            clock.GetUtcNow().UtcDateTime));
    }

    public const string LikeEscape = "\\";

    /// <summary>A LIKE pattern matching text that contains <paramref name="text"/> literally (wildcards escaped).</summary>
    public static string ContainsPattern(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        return "%" + escaped + "%";
    }

    public async Task<AuditListViewModel> SearchAsync(AuditQueryViewModel query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entries = db.Set<AuditEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var pattern = ContainsPattern(query.Actor);
            entries = entries.Where(e => EF.Functions.Like(e.ActorEmail, pattern, LikeEscape));
        }
        if (!string.IsNullOrWhiteSpace(query.Operation)) entries = entries.Where(e => e.Action == query.Operation.Trim());
        if (!string.IsNullOrWhiteSpace(query.Target)) entries = entries.Where(e => e.TargetId == query.Target.Trim());
        if (query.From is { } from)
        {
            var fromUtc = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.TimestampUtc >= fromUtc);
        }
        if (query.To is { } to)
        {
            var toUtc = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.TimestampUtc < toUtc);
        }
        var total = await entries.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        var page = Math.Clamp(query.Page, 1, pages);
        var rows = await entries.OrderByDescending(e => e.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(e => new AuditRowViewModel(e.Id, e.TimestampUtc, e.ActorEmail, e.Action, e.TargetType, e.TargetId, e.Before, e.After))
            .ToListAsync(cancellationToken);
        query.Page = page;
        return new AuditListViewModel { Query = query, Entries = new PagedList<AuditRowViewModel>(rows, page, PageSize, total), Actions = AuditActions.All };
    }
}
