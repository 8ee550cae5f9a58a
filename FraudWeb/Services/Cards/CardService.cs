using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure;
using FraudWeb.ViewModels.Cards;
using FraudWeb.ViewModels.Profile;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Cards;

/// <summary>
/// Adds cards: the number is checked, fingerprinted and reduced to last 4 + brand here, and goes no further
/// (never stored, logged or returned).
/// </summary>
public sealed partial class CardService(FraudDbContext db, CardKeyProvider keys, TimeProvider clock, ILogger<CardService> logger)
{
    public const string DuplicateMessage = "This card has already been added.";

    public async Task<Result> AddAsync(string userId, AddCardViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var holderId = await db.CardHolders.Where(h => h.UserId == userId).Select(h => (long?)h.Id).FirstOrDefaultAsync(cancellationToken);
        if (holderId is null) return Result.Fail(ErrorCode.Invalid, "Your profile was not found.");
        var now = clock.GetUtcNow().UtcDateTime;
        Card card;
        try
        {
            var number = CardNumber.Parse(model.CardNumber);
            var expiry = CardExpiry.Create(model.ExpiryMonth!.Value, model.ExpiryYear!.Value, now);
            if (!AddCardViewModel.CreditLimits.Contains(model.CreditLimit!.Value))
            {
                return Result.Fail(ErrorCode.Invalid, "Choose one of the offered credit limits.", nameof(AddCardViewModel.CreditLimit));
            }
            var fingerprint = keys.Fingerprinter.Fingerprint(number);
            if (await db.Cards.AnyAsync(c => c.Fingerprint == fingerprint, cancellationToken))
            {
                return Result.Fail(ErrorCode.Invalid, DuplicateMessage, nameof(AddCardViewModel.CardNumber));
            }
            card = Card.Add(holderId.Value, number, fingerprint, expiry, model.CardholderName!, model.CreditLimit.Value, now);
        }
        catch (DomainException ex)
        {
            return Result.Fail(ErrorCode.Invalid, ex.Message);
        }
        db.Cards.Add(card);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two simultaneous adds of the same card: the unique fingerprint index decides.
            db.Entry(card).State = EntityState.Detached;
            return Result.Fail(ErrorCode.Invalid, DuplicateMessage, nameof(AddCardViewModel.CardNumber));
        }
        LogAdded(logger, card.Id, card.Brand, card.Last4);
        return Result.Ok;
    }

    /// <summary>The caller's own card with its latest payments, or null (another holder's card looks missing).</summary>
    public async Task<CardDetailsViewModel?> GetAsync(string userId, long id, CancellationToken cancellationToken)
    {
        var card = await db.Cards.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.CardHolder!.UserId == userId, cancellationToken);
        if (card is null) return null;
        var recent = await db.Transactions.AsNoTracking().Where(t => t.CardId == id)
            .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(20)
            .Select(TransactionRowViewModel.From())
            .ToListAsync(cancellationToken);
        return new CardDetailsViewModel(
            new CardSummaryViewModel(card.Id, card.Brand.DisplayName(), card.Last4, card.ExpiryText, card.CardholderName, card.CreditLimit, card.Balance, card.AvailableCredit),
            recent);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Added card {CardId} ({Brand} ending {Last4})")]
    private static partial void LogAdded(ILogger logger, long cardId, CardBrand brand, string last4);
}
