using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Paging;
using FraudWeb.ViewModels.Admin;
using FraudWeb.ViewModels.Common;
using Microsoft.EntityFrameworkCore;
using System.Globalization;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The administrators' screens about people: list, details, edit and delete forms.</summary>
public sealed class AdminUsersViewModelBuilder(FraudDbContext db, TimeProvider clock)
{
    public const int PageSize = 20;
    public const int RecentTransactions = 20;
    public const string StatusLocked = "locked";
    public const string StatusActive = "active";

    /// <summary>Up to this many members a role's list is read from its rows (sorting them costs less than a millisecond).</summary>
    private const int FewMembers = 1000;

    /// <summary>
    /// The page of accounts <paramref name="at"/> names (null: the first), in address order, with the filters' total.
    /// Read from a row (keyset on the normalized address and the id), not counted from the top, and the filters answered
    /// from indexes where they can be: at 30,000 accounts each page read and sorted every account (30-110 ms).
    /// </summary>
    public async Task<UserListViewModel> ListAsync(UserQueryViewModel query, AccountCursor? at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = clock.GetUtcNow();
        var (users, members) = await FilteredAsync(query, now, cancellationToken);
        // A role alone: its members, counted from the role's rows (the filtered count probed every account).
        var total = members is { } count && string.IsNullOrWhiteSpace(query.Search) && query.Status is not (StatusLocked or StatusActive)
            ? count
            : await users.CountAsync(cancellationToken);
        var (items, before, after) = await PageAsync(users, at, cancellationToken);
        var roles = await RolesOfAsync(items.ConvertAll(i => i.Id), cancellationToken);
        return new UserListViewModel
        {
            Query = query,
            AllRoles = Roles.All,
            // Locked or not from the page's own rows (was: every account ever locked, read for each page).
            Users = new CursorPage<UserRowViewModel>(
                items.ConvertAll(i => new UserRowViewModel(i.Id, i.Email ?? "", i.FullName, roles.GetValueOrDefault(i.Id) ?? [], i.LockoutEnd is { } end && end > now,
                    i.CreatedUtc, i.NoPassword, i.Unconfirmed)),
                total,
                before ? AccountCursor.BeforeRow(items[0].Id).Encode() : null,
                after ? AccountCursor.AfterRow(items[^1].Id).Encode() : null),
        };
    }

    /// <summary>
    /// The accounts the filters select, and how many hold the role filtered by (public for the plan tests: each filter
    /// has an index to answer it where one can).
    /// </summary>
    public async Task<(IQueryable<ApplicationUser> Users, int? RoleMembers)> FilteredAsync(UserQueryViewModel query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var users = db.Users.AsNoTracking();
        int? roleMembers = null;
        if (!string.IsNullOrWhiteSpace(query.Search)) users = Searched(users, query.Search);
        if (!string.IsNullOrWhiteSpace(query.Role))
        {
            var roleId = await db.Roles.Where(r => r.Name == query.Role).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken) ?? "";
            var members = db.UserRoles.Where(ur => ur.RoleId == roleId);
            // A role few hold is read from its rows (the RoleId index) and they are sorted; one most hold (card holders)
            // from the address index, each account checked for it, which stops at a page. Either the other way read
            // every account (rare role: 16 ms at 30,000) or every member and sorted them (common role: 88 ms).
            roleMembers = await members.CountAsync(cancellationToken);
            users = roleMembers <= FewMembers
                ? users.Where(u => members.Select(m => m.UserId).Contains(u.Id))
                : users.Where(u => members.Any(m => m.UserId == u.Id));
        }
        if (query.Status is StatusLocked or StatusActive)
        {
            var locked = LockedAt(db, now).Select(u => u.Id);
            // "Active" as the badge says it: not locked, with a password and a confirmed address (all can sign in).
            users = query.Status == StatusLocked
                ? users.Where(u => locked.Contains(u.Id))
                : users.Where(u => !locked.Contains(u.Id) && u.PasswordHash != null && u.EmailConfirmed);
        }
        return (users, roleMembers);
    }

    /// <summary>
    /// Accounts by the start of their address (the address index answers it) or, for a term with no @, by any part of
    /// the holder's name. Administrators look people up by the address they were given or by name; a part from the
    /// middle of an address ("gmail") is not searched: it read every account (and the name's Unicode folding, every
    /// holder's, ran in the same scan), where the address's start reads only the matches.
    /// </summary>
    private IQueryable<ApplicationUser> Searched(IQueryable<ApplicationUser> users, string search)
    {
        var term = search.Trim();
        // As Identity normalizes addresses (UpperInvariantLookupNormalizer).
        var prefix = term.Normalize().ToUpperInvariant();
        var byNameToo = !term.Contains('@', StringComparison.Ordinal);
        if (db.Database.IsNpgsql())
        {
            // LIKE 'start%' is exact in any collation (a range is not: a linguistic one ignores punctuation).
            if (!byNameToo) return users.Where(u => u.NormalizedEmail!.StartsWith(prefix));
            // Names are stored composed (NFC); a term typed decomposed finds them too. ILIKE folds every letter's case.
            var pattern = LikePattern.Containing(term.Normalize(System.Text.NormalizationForm.FormC));
            var named = db.CardHolders.Where(h => EF.Functions.ILike(h.FullName, pattern, LikePattern.Escape)).Select(h => h.UserId);
            return users.Where(u => u.NormalizedEmail!.StartsWith(prefix) || named.Contains(u.Id));
        }
        // SQLite compares text by its bytes (code points): the addresses from the start to the start followed by the
        // last code point are those that begin with it, one range of the address index.
        var end = prefix + char.ConvertFromUtf32(0x10FFFF);
        if (!byNameToo) return users.Where(u => u.NormalizedEmail!.CompareTo(prefix) >= 0 && u.NormalizedEmail!.CompareTo(end) < 0);
        // SQLite's LIKE folds ASCII letters only ("émile" missed "Émile"): both sides folded by .NET (accents and
        // composed or decomposed forms too), as merchants are.
        var folded = MerchantSearch.Fold(term);
        var holders = db.CardHolders.Where(h => MerchantSearch.Fold(h.FullName).Contains(folded)).Select(h => h.UserId);
        return users.Where(u => (u.NormalizedEmail!.CompareTo(prefix) >= 0 && u.NormalizedEmail!.CompareTo(end) < 0) || holders.Contains(u.Id));
    }

    private sealed record Row(string Id, string? Email, string? NormalizedEmail, DateTime CreatedUtc, string? FullName, bool NoPassword, bool Unconfirmed,
        DateTimeOffset? LockoutEnd);

    /// <summary>
    /// The rows of one page in address order, and whether there are pages before and after it. Each read takes one
    /// row more than a page, which says whether there is more that way. (Every account has an address: Identity
    /// requires a unique one.)
    /// </summary>
    private async Task<(List<Row> Rows, bool Before, bool After)> PageAsync(IQueryable<ApplicationUser> users, AccountCursor? at, CancellationToken cancellationToken)
    {
        // The cursor's account's address, read back (one lookup by key); an account gone since: the first page.
        var key = at is { } cursor ? await db.Users.Where(u => u.Id == cursor.Id).Select(u => u.NormalizedEmail).FirstOrDefaultAsync(cancellationToken) : null;
        switch (key is null ? null : at)
        {
            case { After: true } from:
            {
                // ">= key" first: the range the address index reads; the id breaks ties between equal keys. (CompareTo here
                // is the database's comparison, in SQL, the one its ORDER BY uses.)
                var rows = await Shown(users.Where(u => u.NormalizedEmail!.CompareTo(key) >= 0
                        && (u.NormalizedEmail!.CompareTo(key) > 0 || u.Id.CompareTo(from.Id) > 0))
                    .OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id)).ToListAsync(cancellationToken);
                // Nothing after it (a hand-made cursor, or its accounts gone): the first page, not an empty one.
                if (rows.Count == 0) break;
                return (rows[..Math.Min(rows.Count, PageSize)], true, rows.Count > PageSize);
            }
            case { } from:
            {
                var rows = await Shown(users.Where(u => u.NormalizedEmail!.CompareTo(key) <= 0
                        && (u.NormalizedEmail!.CompareTo(key) < 0 || u.Id.CompareTo(from.Id) < 0))
                    .OrderByDescending(u => u.NormalizedEmail).ThenByDescending(u => u.Id)).ToListAsync(cancellationToken);
                // Back to the start: the first page, full (it holds every row before the cursor).
                if (rows.Count <= PageSize) break;
                rows.RemoveAt(PageSize);
                rows.Reverse();
                return (rows, true, true);
            }
        }
        var first = await Shown(users.OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id)).ToListAsync(cancellationToken);
        return (first[..Math.Min(first.Count, PageSize)], false, first.Count > PageSize);
    }

    /// <summary>A page and one row more, each with the holder's name (a page's lookups by the holders' UserId index).</summary>
    private IQueryable<Row> Shown(IQueryable<ApplicationUser> ordered) => ordered.Take(PageSize + 1).Select(u => new Row(u.Id, u.Email, u.NormalizedEmail, u.CreatedUtc,
        db.CardHolders.Where(h => h.UserId == u.Id).Select(h => h.FullName).FirstOrDefault(), u.PasswordHash == null, !u.EmailConfirmed, u.LockoutEnd));

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
            Address = holder?.Address?.ToSingleLine(Text.InContext("address", ", ")),
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

    public async Task<DeleteUserViewModel?> DeleteFormAsync(string id, string actorId, CancellationToken cancellationToken)
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
            IsSelf = id == actorId,
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

    /// <summary>
    /// The accounts locked at <paramref name="now"/>, as SQL (the dashboard counts them, the status filter selects by
    /// them; was: every account ever locked read into memory). PostgreSQL compares the instants (timestamptz). EF Core cannot compare
    /// DateTimeOffset on SQLite: it stores them as text, "yyyy-MM-dd HH:mm:ss.FFFFFFF+00:00" for the UTC ends Identity
    /// writes (its clock's UtcNow plus the lockout, or the administrator's DateTimeOffset.MaxValue, "9999-12-31
    /// 23:59:59.9999999+00:00", which SQLite's julianday() cannot read); such texts sort as their times, so the lock is
    /// the text compared with now's in the same format. Both answered from the LockoutEnd index.
    /// </summary>
    public static IQueryable<ApplicationUser> LockedAt(FraudDbContext db, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        var utc = now.ToUniversalTime();
        if (db.Database.IsNpgsql()) return db.Users.AsNoTracking().Where(u => u.LockoutEnd > utc);
        var text = utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
        return db.Users.FromSql($"SELECT * FROM \"AspNetUsers\" WHERE \"LockoutEnd\" > {text}").AsNoTracking();
    }
}
