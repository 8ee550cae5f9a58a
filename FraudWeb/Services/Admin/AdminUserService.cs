using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Accounts;
using FraudWeb.ViewModels.Admin;
using FraudWeb.ViewModels.Profile;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Admin;

/// <summary>
/// Administration of people: list, details, create, edit, lock, password reset, roles and deletion. Every change runs
/// in one transaction with its audit entry, and none may leave the system without an active administrator.
/// </summary>
public sealed class AdminUserService(
    FraudDbContext db,
    UserManager<ApplicationUser> users,
    SignInManager<ApplicationUser> signIn,
    AccountService accounts,
    AdminGuard guard,
    AuditLog audit,
    TimeProvider clock)
{
    public const int PageSize = 20;
    public const int RecentTransactions = 20;
    public const string StatusLocked = "locked";
    public const string StatusActive = "active";
    private const string TargetUser = "user";

    public async Task<UserListViewModel> SearchAsync(UserQueryViewModel query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = from u in db.Users.AsNoTracking()
                   join h in db.CardHolders.AsNoTracking() on u.Id equals h.UserId into holders
                   from h in holders.DefaultIfEmpty()
                   select new { u.Id, u.Email, u.NormalizedEmail, u.CreatedUtc, FullName = h == null ? null : h.FullName };
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToUpperInvariant();
            var pattern = AuditLog.ContainsPattern(query.Search);
            rows = rows.Where(r => r.NormalizedEmail!.Contains(term) || (r.FullName != null && EF.Functions.Like(r.FullName, pattern, AuditLog.LikeEscape)));
        }
        if (!string.IsNullOrWhiteSpace(query.Role))
        {
            var roleId = await db.Roles.Where(r => r.Name == query.Role).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken) ?? "";
            rows = rows.Where(r => db.UserRoles.Any(ur => ur.UserId == r.Id && ur.RoleId == roleId));
        }
        if (query.Status is StatusLocked or StatusActive)
        {
            // Lockout ends are compared in memory: SQLite cannot compare DateTimeOffset values in SQL.
            var locked = await LockedIdsAsync(cancellationToken);
            rows = query.Status == StatusLocked ? rows.Where(r => locked.Contains(r.Id)) : rows.Where(r => !locked.Contains(r.Id));
        }
        var total = await rows.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        var page = Math.Clamp(query.Page, 1, pages);
        var items = await rows.OrderBy(r => r.NormalizedEmail).Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        var ids = items.ConvertAll(i => i.Id);
        var roles = await RolesOfAsync(ids, cancellationToken);
        var lockedNow = await LockedIdsAsync(cancellationToken);
        query.Page = page;
        return new UserListViewModel
        {
            Query = query,
            AllRoles = Roles.All,
            Users = new PagedList<UserRowViewModel>(
                items.ConvertAll(i => new UserRowViewModel(i.Id, i.Email ?? "", i.FullName, roles.GetValueOrDefault(i.Id) ?? [], lockedNow.Contains(i.Id), i.CreatedUtc)),
                page, PageSize, total),
        };
    }

    public async Task<UserDetailsViewModel?> GetAsync(string id, string actorId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return null;
        var holder = await db.CardHolders.AsNoTracking().FirstOrDefaultAsync(h => h.UserId == id, cancellationToken);
        IReadOnlyList<CardSummaryViewModel> cards = [];
        IReadOnlyList<TransactionRowViewModel> transactions = [];
        IReadOnlyList<UserReportRowViewModel> reports = [];
        if (holder is not null)
        {
            var cardRows = await db.Cards.AsNoTracking().Where(c => c.CardHolderId == holder.Id).OrderBy(c => c.AddedUtc).ToListAsync(cancellationToken);
            cards = cardRows.ConvertAll(c => new CardSummaryViewModel(c.Id, c.Brand.DisplayName(), c.Last4, c.ExpiryText, c.CardholderName,
                c.CreditLimit, c.Balance, c.AvailableCredit));
            transactions = await db.Transactions.AsNoTracking().Where(t => t.Card!.CardHolderId == holder.Id)
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(RecentTransactions)
                .Select(TransactionRowViewModel.From())
                .ToListAsync(cancellationToken);
            var reportRows = await db.FraudReports.AsNoTracking().Where(r => r.Transaction!.Card!.CardHolderId == holder.Id)
                .OrderByDescending(r => r.CreatedUtc).ThenByDescending(r => r.Id).Take(RecentTransactions)
                .Select(r => new { r.TransactionId, r.CreatedUtc, r.Transaction!.Card!.Last4, r.Kind, r.Status, r.Reason, r.DecidedUtc })
                .ToListAsync(cancellationToken);
            reports = reportRows.ConvertAll(r => new UserReportRowViewModel(r.TransactionId, r.CreatedUtc, r.Last4,
                r.Kind == ReportKind.NotMe ? "Not me" : "This was me", r.Status.ToString(), r.Reason, r.DecidedUtc));
        }
        var address = holder?.Address is { } a
            ? string.Join(", ", new[] { a.Line1, a.Line2, a.City, a.Postcode, a.Country }.Where(s => !string.IsNullOrWhiteSpace(s)))
            : null;
        return new UserDetailsViewModel
        {
            Id = user.Id,
            Email = user.Email ?? "",
            FullName = holder?.FullName,
            PhoneNumber = holder?.PhoneNumber ?? user.PhoneNumber,
            DateOfBirth = holder?.DateOfBirth,
            Address = address,
            Roles = (await RolesOfAsync([id], cancellationToken)).GetValueOrDefault(id) ?? [],
            AllRoles = Roles.All,
            IsLocked = IsLocked(user),
            CreatedUtc = user.CreatedUtc,
            IsSelf = id == actorId,
            Cards = cards,
            RecentTransactions = transactions,
            Reports = reports,
        };
    }

    public async Task<EditUserViewModel?> GetForEditAsync(string id, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return null;
        var holder = await db.CardHolders.AsNoTracking().FirstOrDefaultAsync(h => h.UserId == id, cancellationToken);
        return new EditUserViewModel
        {
            Id = id,
            Email = user.Email,
            FullName = holder?.FullName,
            PhoneNumber = holder?.PhoneNumber ?? user.PhoneNumber,
            DateOfBirth = holder?.DateOfBirth,
            AddressLine1 = holder?.Address?.Line1,
            AddressLine2 = holder?.Address?.Line2,
            City = holder?.Address?.City,
            Postcode = holder?.Address?.Postcode,
            Country = holder?.Address?.Country,
        };
    }

    public async Task<DeleteUserViewModel?> GetForDeleteAsync(string id, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return null;
        var holder = await db.CardHolders.AsNoTracking().FirstOrDefaultAsync(h => h.UserId == id, cancellationToken);
        return new DeleteUserViewModel
        {
            Id = id,
            Email = user.Email ?? "",
            FullName = holder?.FullName,
            Cards = holder is null ? 0 : await db.Cards.CountAsync(c => c.CardHolderId == holder.Id, cancellationToken),
            Transactions = holder is null ? 0 : await db.Transactions.CountAsync(t => t.Card!.CardHolderId == holder.Id, cancellationToken),
        };
    }

    /// <summary>Creates the account without a password and mails a reset link so the person chooses their own.</summary>
    public async Task<(Result Result, string? UserId)> CreateAsync(string actorId, CreateUserViewModel model, Func<string, string, string> resetUrl,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Roles.All.Contains(model.Role)) return (Result.Fail(ErrorCode.Invalid, "Choose one of the roles.", nameof(model.Role)), null);
        var now = clock.GetUtcNow().UtcDateTime;
        CardHolder holder;
        var email = model.Email!.Trim();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, PhoneNumber = model.PhoneNumber!.Trim(), CreatedUtc = now };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return (Result.Fail(created.Errors.Select(e => e.Code is "DuplicateUserName" or "DuplicateEmail"
                ? new Failure(ErrorCode.Conflict, "An account with this email address already exists.", nameof(model.Email))
                : new Failure(ErrorCode.Invalid, e.Description)).Distinct().ToList()), null);
        }
        try
        {
            holder = CardHolder.Register(user.Id, model.FullName!, model.PhoneNumber!, model.DateOfBirth!.Value, ToAddress(model), now);
        }
        catch (DomainException ex)
        {
            return (Result.Fail(ErrorCode.Invalid, ex.Message), null);
        }
        db.CardHolders.Add(holder);
        var added = await users.AddToRoleAsync(user, model.Role!);
        if (!added.Succeeded) return (Result.Fail(ErrorCode.Invalid, "The role could not be assigned."), null);
        await audit.AppendAsync(actorId, AuditActions.UserCreate, TargetUser, user.Id, null,
            new { user.Email, Roles = new[] { model.Role }, Details = Describe(holder) }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await accounts.SendPasswordResetAsync(email, resetUrl, cancellationToken);
        return (Result.Ok, user.Id);
    }

    public async Task<Result?> EditAsync(string actorId, string id, AdminUserDetailsViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var user = await users.FindByIdAsync(id);
        if (user is null) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var holder = await db.CardHolders.FirstOrDefaultAsync(h => h.UserId == id, cancellationToken);
        var before = holder is null ? null : Describe(holder);
        try
        {
            if (holder is null)
            {
                holder = CardHolder.Register(id, model.FullName!, model.PhoneNumber!, model.DateOfBirth!.Value, ToAddress(model), now);
                db.CardHolders.Add(holder);
            }
            else
            {
                holder.UpdateDetails(model.FullName!, model.PhoneNumber!, model.DateOfBirth!.Value, ToAddress(model), now);
            }
        }
        catch (DomainException ex)
        {
            return Result.Fail(ErrorCode.Invalid, ex.Message);
        }
        await audit.AppendAsync(actorId, AuditActions.UserEdit, TargetUser, id, before, Describe(holder), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok;
    }

    /// <summary>Locks (indefinitely, and ends their sessions) or unlocks an account.</summary>
    public async Task<Result?> SetLockedAsync(string actorId, string id, bool locked, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null) return null;
        if (locked && id == actorId) return Result.Fail(ErrorCode.Invalid, "You cannot lock your own account.");
        if (locked)
        {
            var refusal = await guard.CheckAsync(s =>
            {
                if (s.Users.TryGetValue(id, out var u)) s.Users[id] = (u.Roles, false);
            }, cancellationToken);
            if (refusal is not null) return Result.Fail(ErrorCode.Invalid, refusal);
        }
        var wasLocked = IsLocked(user);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (locked)
        {
            await users.SetLockoutEnabledAsync(user, true);
            await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
            await users.UpdateSecurityStampAsync(user);
        }
        else
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
        }
        await audit.AppendAsync(actorId, locked ? AuditActions.UserLock : AuditActions.UserUnlock, TargetUser, id,
            new { Locked = wasLocked }, new { Locked = locked }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok;
    }

    /// <summary>Removes the password (which also changes the security stamp, ending sessions) and mails a reset link.</summary>
    public async Task<Result?> ForcePasswordResetAsync(string actorId, string id, Func<string, string, string> resetUrl, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null) return null;
        var hadPassword = user.PasswordHash is not null;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (hadPassword) await users.RemovePasswordAsync(user);
        else await users.UpdateSecurityStampAsync(user);
        await audit.AppendAsync(actorId, AuditActions.UserPasswordReset, TargetUser, id, new { HasPassword = hadPassword },
            new { HasPassword = false, ResetLinkSent = true }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await accounts.SendPasswordResetAsync(user.Email!, resetUrl, cancellationToken);
        if (id == actorId) await signIn.SignOutAsync();
        return Result.Ok;
    }

    /// <summary>Replaces the user's roles; the security stamp changes so their next request runs with the new roles.</summary>
    public async Task<Result?> SetRolesAsync(string actorId, string id, IEnumerable<string> roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var user = await users.FindByIdAsync(id);
        if (user is null) return null;
        var wanted = roles.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Any(r => !Roles.All.Contains(r))) return Result.Fail(ErrorCode.Invalid, "Choose only existing roles.");
        var current = (await users.GetRolesAsync(user)).ToList();
        var refusal = await guard.CheckAsync(s =>
        {
            var active = s.Users.TryGetValue(id, out var u) ? u.Active : !IsLocked(user);
            s.Users[id] = (wanted.ToHashSet(StringComparer.Ordinal), active);
        }, cancellationToken);
        if (refusal is not null) return Result.Fail(ErrorCode.Invalid, refusal);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await users.RemoveFromRolesAsync(user, current.Except(wanted));
        var added = await users.AddToRolesAsync(user, wanted.Except(current));
        if (!removed.Succeeded || !added.Succeeded) return Result.Fail(ErrorCode.Invalid, "The roles could not be changed.");
        // A user without a password has no live session (removing it renewed the stamp) but may hold a pending
        // reset link, which a new stamp would void; everyone else's sessions must be rebuilt.
        if (user.PasswordHash is not null) await users.UpdateSecurityStampAsync(user);
        await audit.AppendAsync(actorId, AuditActions.UserRoles, TargetUser, id, new { Roles = current.Order() }, new { Roles = wanted.Order() }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (id == actorId) await signIn.RefreshSignInAsync(user);
        return Result.Ok;
    }

    /// <summary>
    /// Deletes the sign-in account and erases the person's details; cards and transactions stay, linked to the now
    /// anonymous card holder (docs/decisions/0004-user-deletion.md).
    /// </summary>
    public async Task<Result?> DeleteAsync(string actorId, string id, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null) return null;
        if (id == actorId) return Result.Fail(ErrorCode.Invalid, "You cannot delete your own account.");
        var refusal = await guard.CheckAsync(s => s.Users.Remove(id), cancellationToken);
        if (refusal is not null) return Result.Fail(ErrorCode.Invalid, refusal);
        var roles = (await users.GetRolesAsync(user)).Order().ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var holder = await db.CardHolders.Include(h => h.Cards).FirstOrDefaultAsync(h => h.UserId == id, cancellationToken);
        holder?.Erase();
        await db.SaveChangesAsync(cancellationToken);
        var deleted = await users.DeleteAsync(user);
        if (!deleted.Succeeded) return Result.Fail(ErrorCode.Invalid, "The account could not be deleted.");
        // The entry names no personal details: the erasure would be pointless if the log kept them.
        await audit.AppendAsync(actorId, AuditActions.UserDelete, TargetUser, id, new { Roles = roles, HadProfile = holder is not null },
            new { Deleted = true, CardHolderId = holder?.Id }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok;
    }

    private async Task<Dictionary<string, List<string>>> RolesOfAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var pairs = await (from ur in db.UserRoles.AsNoTracking()
                           join r in db.Roles.AsNoTracking() on ur.RoleId equals r.Id
                           where ids.Contains(ur.UserId)
                           select new { ur.UserId, Role = r.Name! }).ToListAsync(cancellationToken);
        return pairs.GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => g.Select(p => p.Role).Order(StringComparer.Ordinal).ToList());
    }

    private async Task<HashSet<string>> LockedIdsAsync(CancellationToken cancellationToken)
    {
        var candidates = await db.Users.AsNoTracking().Where(u => u.LockoutEnd != null).Select(u => new { u.Id, u.LockoutEnd }).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return candidates.Where(c => c.LockoutEnd > now).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
    }

    private bool IsLocked(ApplicationUser user) => user.LockoutEnd is { } end && end > clock.GetUtcNow();

    private static Address ToAddress(AdminUserDetailsViewModel model) =>
        new(model.AddressLine1!, model.AddressLine2, model.City!, model.Postcode!, model.Country!);

    private static object Describe(CardHolder holder) => new
    {
        holder.FullName,
        holder.PhoneNumber,
        DateOfBirth = holder.DateOfBirth?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        holder.Address,
    };
}
