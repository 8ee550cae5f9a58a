using FraudWeb.Data;
using FraudWeb.ViewModels.Cards;
using FraudWeb.ViewModels.Common;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

public sealed class CardViewModelBuilder(FraudDbContext db)
{
    public const int RecentPayments = 20;

    /// <summary>The caller's own card with its latest payments, or null (another holder's card looks missing).</summary>
    public async Task<CardDetailsViewModel?> DetailsAsync(string userId, long id, CancellationToken cancellationToken)
    {
        var card = await db.Cards.AsNoTracking().OwnedBy(userId).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (card is null) return null;
        var recent = await db.Transactions.AsNoTracking().OwnedBy(userId).Where(t => t.CardId == id)
            .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(RecentPayments)
            // With the holder's reports, as the profile lists the same payments.
            .Select(TransactionRowViewModel.From(db.FraudReports))
            .ToListAsync(cancellationToken);
        return new CardDetailsViewModel(CardSummaryViewModel.From(card), recent);
    }
}
