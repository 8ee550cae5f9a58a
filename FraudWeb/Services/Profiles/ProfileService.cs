using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Profile;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Profiles;

/// <summary>The signed-in card holder's own details, cards and payments; nothing of anyone else's.</summary>
public sealed class ProfileService(FraudDbContext db, TimeProvider clock)
{
    public const int PageSize = 10;
    public const int ChartDays = 30;

    public async Task<ProfileViewModel?> GetOverviewAsync(string userId, int page, CancellationToken cancellationToken)
    {
        var holder = await db.CardHolders.AsNoTracking().FirstOrDefaultAsync(h => h.UserId == userId, cancellationToken);
        if (holder is null) return null;
        var emailAddress = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        var cards = await CardsAsync(holder.Id, cancellationToken);
        var mine = Mine(holder.Id);
        var total = await mine.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        var rows = await Rows(mine.OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Skip((page - 1) * PageSize).Take(PageSize))
            .ToListAsync(cancellationToken);
        var fraud = await Rows(mine.Where(t => t.Verdict!.Decision == Decision.Declined || t.Verdict!.Decision == Decision.Review || t.Label == FraudLabel.Fraud
                || db.FraudReports.Any(r => r.TransactionId == t.Id))
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(50))
            .ToListAsync(cancellationToken);
        var address = holder.Address is null ? null
            : string.Join(", ", new[] { holder.Address.Line1, holder.Address.Line2, holder.Address.City, holder.Address.Postcode, holder.Address.Country }
                .Where(s => !string.IsNullOrWhiteSpace(s)));
        return new ProfileViewModel
        {
            FullName = holder.FullName,
            Email = emailAddress ?? "",
            PhoneNumber = holder.PhoneNumber,
            DateOfBirth = holder.DateOfBirth,
            Address = address,
            Cards = cards,
            Transactions = new PagedList<TransactionRowViewModel>(rows, page, PageSize, total),
            FraudHistory = fraud,
        };
    }

    public async Task<IReadOnlyList<CardSummaryViewModel>> CardsAsync(string userId, CancellationToken cancellationToken)
    {
        var holderId = await HolderIdAsync(userId, cancellationToken);
        return holderId is null ? [] : await CardsAsync(holderId.Value, cancellationToken);
    }

    public async Task<PersonalDetailsViewModel?> GetDetailsAsync(string userId, CancellationToken cancellationToken)
    {
        var holder = await db.CardHolders.AsNoTracking().FirstOrDefaultAsync(h => h.UserId == userId, cancellationToken);
        if (holder is null) return null;
        var emailAddress = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        return new PersonalDetailsViewModel
        {
            FullName = holder.FullName,
            Email = emailAddress,
            PhoneNumber = holder.PhoneNumber,
            DateOfBirth = holder.DateOfBirth,
            AddressLine1 = holder.Address?.Line1,
            AddressLine2 = holder.Address?.Line2,
            City = holder.Address?.City,
            Postcode = holder.Address?.Postcode,
            Country = holder.Address?.Country,
        };
    }

    public async Task<Result> UpdateDetailsAsync(string userId, PersonalDetailsViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var holder = await db.CardHolders.FirstOrDefaultAsync(h => h.UserId == userId, cancellationToken);
        if (holder is null) return Result.Fail(ErrorCode.Invalid, "Your profile was not found.");
        try
        {
            var address = new Address(model.AddressLine1!, model.AddressLine2, model.City!, model.Postcode!, model.Country!);
            holder.UpdateDetails(model.FullName!, model.PhoneNumber!, model.DateOfBirth!.Value, address, clock.GetUtcNow().UtcDateTime);
        }
        catch (DomainException ex)
        {
            return Result.Fail(ErrorCode.Invalid, ex.Message);
        }
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok;
    }

    /// <summary>Charged spend (approved, or approved after review; not refunded) and the highest risk score per day over the last <see cref="ChartDays"/> days.</summary>
    public async Task<ChartDataViewModel> GetChartAsync(string userId, CancellationToken cancellationToken)
    {
        var holderId = await HolderIdAsync(userId, cancellationToken);
        var today = clock.GetUtcNow().UtcDateTime.Date;
        var from = today.AddDays(-(ChartDays - 1));
        var rows = holderId is null ? []
            : await Mine(holderId.Value).Where(t => t.TimestampUtc >= from)
                .Select(t => new { t.TimestampUtc, t.Amount, Decision = (Decision?)t.Verdict!.Decision, RiskScore = (int?)t.Verdict!.RiskScore, t.Settlement, t.RefundedUtc })
                .ToListAsync(cancellationToken);
        var days = new List<string>(ChartDays);
        var spend = new List<decimal>(ChartDays);
        var risk = new List<int?>(ChartDays);
        for (var day = from; day <= today; day = day.AddDays(1))
        {
            var onDay = rows.Where(r => r.TimestampUtc.Date == day).ToList();
            days.Add(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            // A refunded fraud was never the holder's spending: the credit took it back off the card.
            spend.Add(onDay.Where(r => (r.Decision == Decision.Approved || r.Settlement == ReviewSettlement.Charged) && r.RefundedUtc == null).Sum(r => r.Amount));
            risk.Add(onDay.Count == 0 ? null : onDay.Max(r => r.RiskScore));
        }
        return new ChartDataViewModel(days, spend, risk);
    }

    private Task<long?> HolderIdAsync(string userId, CancellationToken cancellationToken) =>
        db.CardHolders.Where(h => h.UserId == userId).Select(h => (long?)h.Id).FirstOrDefaultAsync(cancellationToken);

    private async Task<IReadOnlyList<CardSummaryViewModel>> CardsAsync(long holderId, CancellationToken cancellationToken)
    {
        var cards = await db.Cards.AsNoTracking().Where(c => c.CardHolderId == holderId).OrderBy(c => c.AddedUtc).ToListAsync(cancellationToken);
        return cards.ConvertAll(c => new CardSummaryViewModel(c.Id, Domain.Cards.CardBrandExtensions.DisplayName(c.Brand), c.Last4, c.ExpiryText,
            c.CardholderName, c.CreditLimit, c.Balance, c.AvailableCredit));
    }

    private IQueryable<CardTransaction> Mine(long holderId) =>
        db.Transactions.AsNoTracking().Where(t => t.Card!.CardHolderId == holderId);

    private IQueryable<TransactionRowViewModel> Rows(IQueryable<CardTransaction> query) =>
        query.Select(TransactionRowViewModel.From(db.FraudReports));
}
