using LinqKit;
using FraudWeb.Infrastructure.Database;
using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Common;
using FraudWeb.ViewModels.Profile;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The signed-in card holder's own screens: details, cards, payments, fraud history and chart; nothing of anyone else's.</summary>
public sealed class ProfileViewModelBuilder(FraudDbContext db, TimeProvider clock)
{
    public const int PageSize = 10;
    public const int ChartDays = 30;
    private const int FraudHistoryRows = 50;

    public async Task<ProfileViewModel?> OverviewAsync(string userId, int page, CancellationToken cancellationToken)
    {
        var mine = db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag).OwnedBy(userId);
        // The holder, their email and how many payments they have, in one statement (each statement costs a prepare).
        var head = await db.CardHolders.AsNoTracking().TagWith(SqlitePreparedReads.Tag).OwnedBy(userId)
            .Select(h => new { Holder = h, Email = db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefault(), Total = mine.Count() })
            .FirstOrDefaultAsync(cancellationToken);
        if (head is null) return null;
        var (holder, emailAddress, total) = (head.Holder, head.Email, head.Total);
        page = Paging.ClampPage(page, total, PageSize);
        // The page's ids first, from the card index alone (time and id are in it), then only those rows: sorting the
        // holder's whole history row by row made the page slower with every payment.
        var pageIds = await mine.OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(t => t.Id).ToListAsync(cancellationToken);
        var rows = await RowsAsync(pageIds, PageSize, cancellationToken);
        // Stopped, confirmed fraud or reported: the first through the flagged payments' partial index, the second
        // through the reports; each the latest few, never the whole history.
        var flaggedIds = await mine.Where(Flagged).OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(FraudHistoryRows)
            .Select(t => t.Id)
            .Concat(db.FraudReports.Where(r => db.Cards.OwnedBy(userId).Select(c => c.Id).Contains(r.CardId))
                .OrderByDescending(r => r.Transaction!.TimestampUtc).ThenByDescending(r => r.TransactionId).Take(FraudHistoryRows)
                .Select(r => r.TransactionId))
            .ToListAsync(cancellationToken);
        var fraud = await RowsAsync(flaggedIds.Distinct().ToList(), FraudHistoryRows, cancellationToken);
        return new ProfileViewModel
        {
            FullName = holder.FullName,
            Email = emailAddress ?? "",
            PhoneNumber = holder.PhoneNumber,
            DateOfBirth = holder.DateOfBirth,
            Address = holder.Address?.ToSingleLine(),
            Cards = await CardsAsync(userId, cancellationToken),
            Transactions = new PagedList<TransactionRowViewModel>(rows, page, PageSize, total),
            FraudHistory = fraud,
        };
    }

    /// <summary>
    /// Payments a holder sees in their fraud history: stopped (declined or held) or confirmed fraud. The same condition
    /// is the filter of the partial index the query uses (CardTransactionConfiguration.FlaggedIndexFilter).
    /// </summary>
    private static readonly System.Linq.Expressions.Expression<Func<CardTransaction, bool>> Flagged = t =>
        t.Verdict!.Decision == Decision.Declined || t.Verdict!.Decision == Decision.Review || t.Label == FraudLabel.Fraud;

    /// <summary>The rows of these payments (already the caller's), latest first, at most <paramref name="count"/>.</summary>
    private async Task<List<TransactionRowViewModel>> RowsAsync(List<long> ids, int count, CancellationToken cancellationToken)
    {
        var rows = new List<TransactionRowViewModel>(ids.Count);
        await foreach (var row in RowsQuery(db, ids, count).WithCancellation(cancellationToken)) rows.Add(row);
        return rows;
    }

    // Compiled: EF Core's cache lookup for the row projection (hashing and comparing its expression tree) cost more
    // than the query (perf, issue 17).
    private static readonly Func<FraudDbContext, List<long>, int, IAsyncEnumerable<TransactionRowViewModel>> RowsQuery =
        EF.CompileAsyncQuery((FraudDbContext db, List<long> ids, int count) =>
            db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag).Where(t => ids.Contains(t.Id))
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(count)
                .Select(t => TransactionRowViewModel.Row.Invoke(t, db.FraudReports, true)));

    public async Task<IReadOnlyList<CardSummaryViewModel>> CardsAsync(string userId, CancellationToken cancellationToken)
    {
        var cards = await db.Cards.AsNoTracking().OwnedBy(userId).OrderBy(c => c.AddedUtc).ToListAsync(cancellationToken);
        return cards.ConvertAll(CardSummaryViewModel.From);
    }

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
    public async Task<ChartDataViewModel> ChartAsync(string userId, CancellationToken cancellationToken)
    {
        var today = clock.GetUtcNow().UtcDateTime.Date;
        var from = today.AddDays(-(ChartDays - 1));
        var rows = await db.Transactions.AsNoTracking().OwnedBy(userId).Where(t => t.TimestampUtc >= from)
            .Select(t => new { t.TimestampUtc, t.Amount, Decision = (Decision?)t.Verdict!.Decision, t.Settlement, t.RefundedUtc })
            .ToListAsync(cancellationToken);
        var days = new List<string>(ChartDays);
        var spend = new List<decimal>(ChartDays);
        var stopped = new List<int>(ChartDays);
        for (var day = from; day <= today; day = day.AddDays(1))
        {
            var onDay = rows.Where(r => r.TimestampUtc.Date == day).ToList();
            days.Add(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            // A refunded fraud was never the holder's spending: the credit took it back off the card.
            spend.Add(onDay.Where(r => (r.Decision == Decision.Approved || r.Settlement == ReviewSettlement.Charged) && r.RefundedUtc == null).Sum(r => r.Amount));
            stopped.Add(onDay.Count(r => r.Decision is Decision.Review or Decision.Declined));
        }
        return new ChartDataViewModel(days, spend, stopped);
    }
}
