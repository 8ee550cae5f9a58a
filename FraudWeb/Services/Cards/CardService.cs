using FraudWeb.Infrastructure.Localization;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Cards;

/// <summary>A card as the holder enters it. The number is only ever held here, on its way to the fingerprint.</summary>
public sealed record NewCard(string Number, string CardholderName, int ExpiryMonth, int ExpiryYear, decimal CreditLimit);

/// <summary>
/// Adds cards: the number is checked, fingerprinted and reduced to last 4 + brand here, and goes no further
/// (never stored, logged or returned).
/// </summary>
public sealed partial class CardService(FraudDbContext db, CardKeyProvider keys, TimeProvider clock, ILogger<CardService> logger)
{
    /// <summary>Credit limits a card holder can choose from.</summary>
    public static IReadOnlyList<decimal> OfferedCreditLimits { get; } = [500m, 1000m, 2500m, 5000m, 10000m, 20000m];

    /// <summary>The inputs errors can point at; the form uses the same names.</summary>
    public static class Fields
    {
        public const string Number = "CardNumber";
        public const string CreditLimit = "CreditLimit";
    }

    /// <summary>The new card's id, or why it was refused.</summary>
    public async Task<Result<long>> AddAsync(string userId, NewCard input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var holderId = await db.CardHolders.OwnedBy(userId).Select(h => (long?)h.Id).FirstOrDefaultAsync(cancellationToken);
        if (holderId is null) return Result.Fail<long>(ErrorCode.NotFound, Text.Get("Your profile was not found."));
        var now = clock.GetUtcNow().UtcDateTime;
        Card card;
        try
        {
            var number = CardNumber.Parse(input.Number);
            var expiry = CardExpiry.Create(input.ExpiryMonth, input.ExpiryYear, now);
            if (!OfferedCreditLimits.Contains(input.CreditLimit))
            {
                return Result.Fail<long>(ErrorCode.Invalid, Text.Get("Choose one of the offered credit limits."), Fields.CreditLimit);
            }
            var fingerprint = keys.Fingerprinter.Fingerprint(number);
            if (await db.Cards.AnyAsync(c => c.CardHolderId == holderId && c.Fingerprint == fingerprint, cancellationToken))
            {
                return Result.Fail<long>(ErrorCode.Conflict, DuplicateMessage(), Fields.Number);
            }
            card = Card.Add(holderId.Value, number, fingerprint, expiry, input.CardholderName, input.CreditLimit, now);
        }
        catch (DomainException ex)
        {
            return Result.Fail<long>(ErrorCode.Invalid, Text.Of(ex));
        }
        db.Cards.Add(card);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two simultaneous adds of the same card by this holder: the unique (holder, fingerprint) index decides.
            db.Entry(card).State = EntityState.Detached;
            return Result.Fail<long>(ErrorCode.Conflict, DuplicateMessage(), Fields.Number);
        }
        LogAdded(logger, card.Id, card.Brand, card.Last4);
        return Result.Success(card.Id);
    }

    /// <summary>The holder already has this card (in the current UI culture).</summary>
    private static string DuplicateMessage() => Text.Get("This card has already been added.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Added card {CardId} ({Brand} ending {Last4})")]
    private static partial void LogAdded(ILogger logger, long cardId, CardBrand brand, string last4);
}
