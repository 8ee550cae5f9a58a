using LinqKit;
using FraudWeb.Infrastructure.Database;
using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Data.Configurations;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Paging;
using FraudWeb.ViewModels.Common;
using FraudWeb.ViewModels.Profile;
using Microsoft.EntityFrameworkCore;
using System.Linq.Expressions;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The signed-in card holder's own screens: details, cards, payments, fraud history and chart; nothing of anyone else's.</summary>
public sealed class ProfileViewModelBuilder(FraudDbContext db, TimeProvider clock, LocalTime time)
{
    public const int PageSize = 10;
    public const int ChartDays = 30;
    private const int FraudHistoryRows = 50;

    /// <summary>The holder's screen with the page of their history <paramref name="at"/> names (null: the newest).</summary>
    public async Task<ProfileViewModel?> OverviewAsync(string userId, KeysetCursor? at, CancellationToken cancellationToken)
    {
        // Three compiled statements of fixed SQL (the page's ids inside the SQL, not a list of values: each list length
        // was new SQL for EF Core to generate and SQLite to compile; perf, issue 17).
        var holderCards = await ListAsync(HolderCardsQuery(db, userId), cancellationToken);
        if (holderCards.Count == 0) return null;
        var head = holderCards[0];
        var cards = holderCards.Where(r => r.Card is not null).Select(r => r.Card!).ToList();
        var total = (int)holderCards.Sum(r => r.Payments);
        var history = await HistoryPageAsync(userId, cards, total, at, cancellationToken);
        // Most holders have nothing stopped, confirmed or reported, and their first statement says so (the cards'
        // flagged counts, kept by triggers, and whether a report names a card): the fraud history's statement, 10-15%
        // of the page's CPU, is not run for them (A/B on held apps, issue 17).
        var fraud = holderCards.Exists(r => r.Flagged > 0 || r.Reported)
            ? await ListAsync(FraudHistoryQuery(db, userId), cancellationToken)
            : [];
        return new ProfileViewModel
        {
            FullName = head.FullName,
            Email = head.Email ?? "",
            PhoneNumber = head.PhoneNumber,
            DateOfBirth = head.DateOfBirth,
            Address = head.Address?.ToSingleLine(Text.InContext("address", ", ")),
            Cards = cards.ConvertAll(CardSummaryViewModel.From),
            Transactions = history,
            FraudHistory = fraud,
        };
    }

    /// <summary>
    /// A page of the history from a row (keyset), not counted from the top: payments arriving between pages shift no
    /// row onto the next page. Each read takes one row more than a page, which says whether there is more that way.
    /// </summary>
    private async Task<CursorPage<TransactionRowViewModel>> HistoryPageAsync(string userId, List<Card> cards, int total, KeysetCursor? at,
        CancellationToken cancellationToken)
    {
        List<TransactionRowViewModel> rows;
        bool newer, older;
        switch (at)
        {
            case null:
                rows = await ListAsync(cards.Count == 1 ? FirstPageOfCardQuery(db, userId, cards[0].Id) : NewestPageQuery(db, userId), cancellationToken);
                (newer, older) = (false, rows.Count > PageSize);
                break;
            case { Older: true } from:
                rows = await ListAsync(OlderPageQuery(db, userId, from.TimestampUtc, from.Id), cancellationToken);
                (newer, older) = (true, rows.Count > PageSize);
                break;
            case { } from:
                // Read upwards from the cursor: the extra row is the newest, first in the page's order.
                rows = await ListAsync(NewerPageQuery(db, userId, from.TimestampUtc, from.Id), cancellationToken);
                (newer, older) = (rows.Count > PageSize, true);
                if (newer) rows.RemoveAt(0);
                break;
        }
        // Nothing there (a hand-made cursor, or its rows gone): the newest page, not an empty one that says "No payments yet".
        if (rows.Count == 0 && at is not null) return await HistoryPageAsync(userId, cards, total, null, cancellationToken);
        if (rows.Count > PageSize) rows.RemoveRange(PageSize, rows.Count - PageSize);
        return new CursorPage<TransactionRowViewModel>(rows, total,
            newer ? KeysetCursor.NewerThan(rows[0].TimestampUtc, rows[0].Id).Encode() : null,
            older ? KeysetCursor.OlderThan(rows[^1].TimestampUtc, rows[^1].Id).Encode() : null);
    }

    /// <summary>
    /// Payments a holder sees in their fraud history: stopped (declined or held) or confirmed fraud. The same condition
    /// is the filter of the partial index the query uses (CardTransactionConfiguration.FlaggedIndexFilter).
    /// </summary>
    private static readonly Expression<Func<CardTransaction, bool>> Flagged = t =>
        t.Verdict!.Decision == Decision.Declined || t.Verdict!.Decision == Decision.Review || t.Label == FraudLabel.Fraud;

    /// <summary>
    /// The holder's details and e-mail beside each of their cards (one row with no card when they have none), with the
    /// card's payment count, its flagged payments' count and whether a fraud report names it.
    /// </summary>
    private sealed record HolderCard(string FullName, string? PhoneNumber, DateOnly? DateOfBirth, Address? Address, string? Email, Card? Card, long Payments,
        long Flagged, bool Reported);

    /// <summary>
    /// The holder, their email and their cards in order added, each card with its payment count, in one statement (the
    /// page's first statement cost twice each of the others, EF Core's own work per statement; perf, issue 17). The
    /// counts are the cards' own (kept by triggers): counting the history's rows made the page slower with every
    /// payment (265 µs at 2,800 payments a card, its pages read from disk; bench/README.md).
    /// </summary>
    private static readonly Func<FraudDbContext, string, IAsyncEnumerable<HolderCard>> HolderCardsQuery =
        EF.CompileAsyncQuery((FraudDbContext db, string userId) =>
            from h in db.CardHolders.AsNoTracking().TagWith(SqlitePreparedReads.Tag).Where(h => OwnershipQueries.HolderOwnedBy.Invoke(h, userId))
            from c in db.Cards.Where(c => c.CardHolderId == h.Id).DefaultIfEmpty()
            orderby c!.AddedUtc
            select new HolderCard(h.FullName, h.PhoneNumber, h.DateOfBirth, h.Address, db.Users.Where(u => u.Id == h.UserId).Select(u => u.Email).FirstOrDefault(), c,
                c == null ? 0 : EF.Property<long>(c, CardConfiguration.PaymentCount),
                c == null ? 0 : EF.Property<long>(c, CardConfiguration.FlaggedCount),
                c != null && db.FraudReports.Any(r => r.CardId == c.Id)));

    /// <summary>
    /// The newest page of the history (and one row more). The page's ids come first, from the card index alone (time and
    /// id are in it), then only those rows: sorting the holder's whole history row by row made the page slower with every payment.
    /// </summary>
    private static readonly Func<FraudDbContext, string, IAsyncEnumerable<TransactionRowViewModel>> NewestPageQuery =
        EF.CompileAsyncQuery((FraudDbContext db, string userId) =>
            db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag)
                .Where(t => db.Transactions.Where(p => OwnershipQueries.TransactionOwnedBy.Invoke(p, userId))
                    .OrderByDescending(p => p.TimestampUtc).ThenByDescending(p => p.Id).Take(PageSize + 1)
                    .Select(p => p.Id).Contains(t.Id))
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id)
                .Select(t => TransactionRowViewModel.Row.Invoke(t, db.FraudReports, true)));

    /// <summary>The page (and one row more) just older than a row, latest first; through the card index as <see cref="NewestPageQuery"/>.</summary>
    private static readonly Func<FraudDbContext, string, DateTime, long, IAsyncEnumerable<TransactionRowViewModel>> OlderPageQuery =
        EF.CompileAsyncQuery((FraudDbContext db, string userId, DateTime timestampUtc, long id) =>
            db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag)
                .Where(t => db.Transactions.Where(p => OwnershipQueries.TransactionOwnedBy.Invoke(p, userId)
                        && (p.TimestampUtc < timestampUtc || (p.TimestampUtc == timestampUtc && p.Id < id)))
                    .OrderByDescending(p => p.TimestampUtc).ThenByDescending(p => p.Id).Take(PageSize + 1)
                    .Select(p => p.Id).Contains(t.Id))
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id)
                .Select(t => TransactionRowViewModel.Row.Invoke(t, db.FraudReports, true)));

    /// <summary>
    /// The page (and one row more) just newer than a row: the nearest rows above it, read upwards, shown latest first
    /// (the extra row, when there is one, is the newest).
    /// </summary>
    private static readonly Func<FraudDbContext, string, DateTime, long, IAsyncEnumerable<TransactionRowViewModel>> NewerPageQuery =
        EF.CompileAsyncQuery((FraudDbContext db, string userId, DateTime timestampUtc, long id) =>
            db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag)
                .Where(t => db.Transactions.Where(p => OwnershipQueries.TransactionOwnedBy.Invoke(p, userId)
                        && (p.TimestampUtc > timestampUtc || (p.TimestampUtc == timestampUtc && p.Id > id)))
                    .OrderBy(p => p.TimestampUtc).ThenBy(p => p.Id).Take(PageSize + 1)
                    .Select(p => p.Id).Contains(t.Id))
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id)
                .Select(t => TransactionRowViewModel.Row.Invoke(t, db.FraudReports, true)));

    /// <summary>
    /// The newest page of a holder with one card (the page most opened, for most holders): that card's index read
    /// backwards, a page and one row whatever the history's length. <see cref="NewestPageQuery"/> joins the holder's
    /// cards first, so PostgreSQL sorts their whole history for it (4.6 ms for 1,107 payments; bench/README.md). The
    /// card's ownership is a separate condition on the parameters alone (evaluated once): joined to the rows, PostgreSQL
    /// expected it to filter them and to read the card's whole index for ten, a cost that follows each card's size, so it planned the statement again on every
    /// execution for the larger cards (31% of the page's CPU, bench/README.md).
    /// </summary>
    private static readonly Func<FraudDbContext, string, long, IAsyncEnumerable<TransactionRowViewModel>> FirstPageOfCardQuery =
        EF.CompileAsyncQuery((FraudDbContext db, string userId, long cardId) =>
            db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag)
                .Where(t => db.Transactions.Where(p => p.CardId == cardId && db.Cards.Any(c => c.Id == cardId && OwnershipQueries.CardOwnedBy.Invoke(c, userId)))
                    .OrderByDescending(p => p.TimestampUtc).ThenByDescending(p => p.Id).Take(PageSize + 1)
                    .Select(p => p.Id).Contains(t.Id))
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id)
                .Select(t => TransactionRowViewModel.Row.Invoke(t, db.FraudReports, true)));

    /// <summary>
    /// The fraud history: stopped or confirmed fraud (through the flagged payments' partial index) and reported (through
    /// the reports); each the latest few, never the whole history.
    /// </summary>
    private static readonly Func<FraudDbContext, string, IAsyncEnumerable<TransactionRowViewModel>> FraudHistoryQuery =
        EF.CompileAsyncQuery((FraudDbContext db, string userId) =>
            db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag)
                .Where(t => db.Transactions.Where(p => OwnershipQueries.TransactionOwnedBy.Invoke(p, userId) && Flagged.Invoke(p))
                        .OrderByDescending(p => p.TimestampUtc).ThenByDescending(p => p.Id).Take(FraudHistoryRows).Select(p => p.Id)
                    .Concat(db.FraudReports.Where(r => db.Cards.Where(c => OwnershipQueries.CardOwnedBy.Invoke(c, userId)).Select(c => c.Id).Contains(r.CardId))
                        .OrderByDescending(r => r.Transaction!.TimestampUtc).ThenByDescending(r => r.TransactionId).Take(FraudHistoryRows)
                        .Select(r => r.TransactionId))
                    .Contains(t.Id))
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(FraudHistoryRows)
                .Select(t => TransactionRowViewModel.Row.Invoke(t, db.FraudReports, true)));

    private static readonly Func<FraudDbContext, string, IAsyncEnumerable<Card>> CardsQuery =
        EF.CompileAsyncQuery<FraudDbContext, string, Card>((db, userId) =>
            db.Cards.AsNoTracking().TagWith(SqlitePreparedReads.Tag).Where(c => OwnershipQueries.CardOwnedBy.Invoke(c, userId)).OrderBy(c => c.AddedUtc));

    internal static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> query, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await foreach (var item in query.WithCancellation(cancellationToken)) list.Add(item);
        return list;
    }

    public Task<List<CardSummaryViewModel>> CardsAsync(string userId, CancellationToken cancellationToken) => CardsAsync(db, userId, cancellationToken);

    /// <summary>The holder's cards in the order added (the profile and the payment form list them).</summary>
    public static async Task<List<CardSummaryViewModel>> CardsAsync(FraudDbContext db, string userId, CancellationToken cancellationToken) =>
        (await ListAsync(CardsQuery(db, userId), cancellationToken)).ConvertAll(CardSummaryViewModel.From);

    public async Task<PersonalDetailsViewModel?> DetailsAsync(string userId, CancellationToken cancellationToken)
    {
        var holder = await db.CardHolders.AsNoTracking().OwnedBy(userId).FirstOrDefaultAsync(cancellationToken);
        if (holder is null) return null;
        var emailAddress = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        var model = new PersonalDetailsViewModel { Email = emailAddress };
        model.Fill(holder);
        return model;
    }

    /// <summary>Charged spend (approved, or approved after review; not refunded) and the payments stopped (held or declined) per day over the last <see cref="ChartDays"/> days.</summary>
    /// <remarks>Days are the holder's (their browser's zone), as the payment list shows the payments' times.</remarks>
    public async Task<ChartDataViewModel> ChartAsync(string userId, CancellationToken cancellationToken)
    {
        var today = time.ToLocal(clock.GetUtcNow().UtcDateTime).Date;
        var from = today.AddDays(-(ChartDays - 1));
        var fromUtc = time.StartOfDayUtc(DateOnly.FromDateTime(from));
        var rows = (await db.Transactions.AsNoTracking().OwnedBy(userId).Where(t => t.TimestampUtc >= fromUtc)
            .Select(t => new { t.TimestampUtc, t.Amount, Decision = (Decision?)t.Verdict!.Decision, t.Settlement, t.RefundedUtc })
            .ToListAsync(cancellationToken))
            .ConvertAll(r => new { Local = time.ToLocal(r.TimestampUtc), r.Amount, r.Decision, r.Settlement, r.RefundedUtc });
        var days = new List<string>(ChartDays);
        var spend = new List<decimal>(ChartDays);
        var stopped = new List<int>(ChartDays);
        for (var day = from; day <= today; day = day.AddDays(1))
        {
            var onDay = rows.Where(r => r.Local.Date == day).ToList();
            days.Add(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            // A refunded fraud was never the holder's spending: the credit took it back off the card.
            spend.Add(onDay.Where(r => (r.Decision == Decision.Approved || r.Settlement == ReviewSettlement.Charged) && r.RefundedUtc == null).Sum(r => r.Amount));
            stopped.Add(onDay.Count(r => r.Decision is Decision.Review or Decision.Declined));
        }
        return new ChartDataViewModel(days, spend, stopped);
    }
}
