using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.ViewModels.Admin;
using FraudWeb.ViewModels.Common;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The administrators' screens about people: list, details, edit and delete forms.</summary>
public sealed class AdminUsersViewModelBuilder(FraudDbContext db, TimeProvider clock)
{
    public const int PageSize = 20;
    public const int RecentTransactions = 20;
    public const string StatusLocked = "locked";
    public const string StatusActive = "active";

    public async Task<UserListViewModel> ListAsync(UserQueryViewModel query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = from u in db.Users.AsNoTracking()
                   join h in db.CardHolders.AsNoTracking() on u.Id equals h.UserId into holders
                   from h in holders.DefaultIfEmpty()
                   select new { u.Id, u.Email, u.NormalizedEmail, u.CreatedUtc, FullName = h == null ? null : h.FullName, NoPassword = u.PasswordHash == null, Unconfirmed = !u.EmailConfirmed };
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToUpperInvariant();
            // Names are stored composed (NFC); a term typed decomposed finds them too.
            var pattern = LikePattern.Containing(query.Search.Normalize(System.Text.NormalizationForm.FormC));
            // Names match ignoring case: PostgreSQL's ILIKE folds every letter; SQLite's LIKE only ASCII ones ("émile" missed
            // "Émile"), so there both sides are folded by .NET (accents and composed or decomposed forms too), as merchants are.
            var folded = Data.MerchantSearch.Fold(query.Search.Trim());
            rows = db.Database.IsNpgsql()
                ? rows.Where(r => r.NormalizedEmail!.Contains(term) || (r.FullName != null && EF.Functions.ILike(r.FullName, pattern, LikePattern.Escape)))
                : rows.Where(r => r.NormalizedEmail!.Contains(term) || (r.FullName != null && Data.MerchantSearch.Fold(r.FullName).Contains(folded)));
        }
        if (!string.IsNullOrWhiteSpace(query.Role))
        {
            var roleId = await db.Roles.Where(r => r.Name == query.Role).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken) ?? "";
            rows = rows.Where(r => db.UserRoles.Any(ur => ur.UserId == r.Id && ur.RoleId == roleId));
        }
        var locked = await LockedIdsAsync(cancellationToken);
        if (query.Status is StatusLocked or StatusActive)
        {
            // Lockout ends are compared in memory: SQLite cannot compare DateTimeOffset values in SQL.
            // "Active" as the badge says it: not locked, with a password and a confirmed address (all can sign in).
            rows = query.Status == StatusLocked ? rows.Where(r => locked.Contains(r.Id)) : rows.Where(r => !locked.Contains(r.Id) && !r.NoPassword && !r.Unconfirmed);
        }
        var total = await rows.CountAsync(cancellationToken);
        var page = Paging.ClampPage(query.Page, total, PageSize);
        var items = await rows.OrderBy(r => r.NormalizedEmail).Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        var roles = await RolesOfAsync(items.ConvertAll(i => i.Id), cancellationToken);
        query.Page = page;
        return new UserListViewModel
        {
            Query = query,
            AllRoles = Roles.All,
            Users = new PagedList<UserRowViewModel>(
                items.ConvertAll(i => new UserRowViewModel(i.Id, i.Email ?? "", i.FullName, roles.GetValueOrDefault(i.Id) ?? [], locked.Contains(i.Id), i.CreatedUtc, i.NoPassword, i.Unconfirmed)),
                page, PageSize, total),
        };
    }

    public async Task<UserDetailsViewModel?> DetailsAsync(string id, string actorId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return null;
        var holder = await db.CardHolders.AsNoTracking().FirstOrDefaultAsync(h => h.UserId == id, cancellationToken);
        IReadOnlyList<CardSummaryViewModel> cards = [];
        IReadOnlyList<TransactionRowViewModel> transactions = [];
        IReadOnlyList<UserReportRowViewModel> reports = [];
        if (holder is not null)
        {
            // Staff look at another person's data here: the holder's own id, not the signed-in user's.
            var cardRows = await db.Cards.AsNoTracking().Where(c => c.CardHolderId == holder.Id).OrderBy(c => c.AddedUtc).ToListAsync(cancellationToken);
            cards = cardRows.ConvertAll(CardSummaryViewModel.From);
            transactions = await db.Transactions.AsNoTracking().Where(t => t.Card!.CardHolderId == holder.Id)
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(RecentTransactions)
                .Select(TransactionRowViewModel.From())
                .ToListAsync(cancellationToken);
            var reportRows = await db.FraudReports.AsNoTracking().Where(r => r.Transaction!.Card!.CardHolderId == holder.Id)
                .OrderByDescending(r => r.CreatedUtc).ThenByDescending(r => r.Id).Take(RecentTransactions)
                .Select(r => new { r.TransactionId, r.CreatedUtc, r.Transaction!.Card!.Last4, r.Kind, r.Status, r.Reason, r.DecidedUtc })
                .ToListAsync(cancellationToken);
            reports = reportRows.ConvertAll(r => new UserReportRowViewModel(r.TransactionId, r.CreatedUtc, r.Last4,
                r.Kind == ReportKind.NotMe ? Text.Get("Not me") : Text.Get("This was me"), StatusText(r.Status), r.Reason, r.DecidedUtc));
        }
        return new UserDetailsViewModel
        {
            Id = user.Id,
            Email = user.Email ?? "",
            FullName = holder?.FullName,
            PhoneNumber = holder?.PhoneNumber ?? user.PhoneNumber,
            DateOfBirth = holder?.DateOfBirth,
            Address = holder?.Address?.ToSingleLine(),
            Roles = (await RolesOfAsync([id], cancellationToken)).GetValueOrDefault(id) ?? [],
            AllRoles = Roles.All,
            IsLocked = user.LockoutEnd is { } end && end > clock.GetUtcNow(),
            AwaitingPassword = user.PasswordHash is null,
            AwaitingConfirmation = !user.EmailConfirmed,
            TwoStepEnabled = user.TwoFactorEnabled,
            CreatedUtc = user.CreatedUtc,
            IsSelf = id == actorId,
            Cards = cards,
            RecentTransactions = transactions,
            Reports = reports,
        };
    }

    public async Task<EditUserViewModel?> EditFormAsync(string id, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return null;
        var holder = await db.CardHolders.AsNoTracking().FirstOrDefaultAsync(h => h.UserId == id, cancellationToken);
        var model = new EditUserViewModel { Id = id, Email = user.Email, PhoneNumber = user.PhoneNumber };
        if (holder is not null) model.Fill(holder);
        model.PhoneNumber ??= user.PhoneNumber;
        return model;
    }

    public async Task<DeleteUserViewModel?> DeleteFormAsync(string id, CancellationToken cancellationToken)
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

    /// <summary>A report's status in the page's language ("Open", "Confirmed", "Rejected" in English).</summary>
    private static string StatusText(ReportStatus status) => status switch
    {
        ReportStatus.Open => Text.Get("Open"),
        ReportStatus.Confirmed => Text.Get("Confirmed"),
        ReportStatus.Rejected => Text.Get("Rejected"),
        _ => status.ToString(),
    };

    private async Task<Dictionary<string, List<string>>> RolesOfAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var pairs = await (from ur in db.UserRoles.AsNoTracking()
                           join r in db.Roles.AsNoTracking() on ur.RoleId equals r.Id
                           where ids.Contains(ur.UserId)
                           select new { ur.UserId, Role = r.Name! }).ToListAsync(cancellationToken);
        return pairs.GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => g.Select(p => p.Role).Order(StringComparer.Ordinal).ToList());
    }

    private Task<HashSet<string>> LockedIdsAsync(CancellationToken cancellationToken) => LockedIdsAsync(db, clock.GetUtcNow(), cancellationToken);

    /// <summary>The accounts locked now (compared in memory: SQLite cannot compare the stored offsets).</summary>
    public static async Task<HashSet<string>> LockedIdsAsync(FraudDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var candidates = await db.Users.AsNoTracking().Where(u => u.LockoutEnd != null).Select(u => new { u.Id, u.LockoutEnd }).ToListAsync(cancellationToken);
        return candidates.Where(c => c.LockoutEnd > now).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
    }
}
