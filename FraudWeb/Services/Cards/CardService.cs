using FraudWeb.Services.Privacy;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Cards;

/// <summary>A card as the holder enters it. The number is only ever held here, on its way to the fingerprint.</summary>
public sealed record NewCard(string Number, string CardholderName, int ExpiryMonth, int ExpiryYear, decimal CreditLimit);

/// <summary>What adding a card did: a new card, the renewal of one already there, or nothing (it was there).</summary>
public enum CardAddOutcome
{
    Added,
    Renewed,
    AlreadyAdded,
}

/// <summary>The card added, renewed or found, and its credit limit as stored (a renewal keeps the card's own).</summary>
public sealed record CardAdded(long Id, CardAddOutcome Outcome, decimal CreditLimit, string ExpiryText);

/// <summary>A card its holder stopped: which, how (removed, or lost or stolen) and when; the masked number for the holder's mail.</summary>
public sealed record CardStopped(long Id, CardStop StoppedAs, DateTime StoppedUtc, CardBrand Brand, string Last4);

/// <summary>
/// Adds cards: the number is checked, fingerprinted and reduced to last 4 + brand here, and goes no further
/// (never stored, logged or returned).
/// </summary>
public sealed partial class CardService(FraudDbContext db, CardKeyProvider keys, IssuerClock issuer, TimeProvider clock, ILogger<CardService> logger)
{
    /// <summary>The audit log's names for a holder stopping a card (Services.Admin.AuditActions lists them with the rest).</summary>
    public const string AuditRemove = "card.remove";
    public const string AuditLostOrStolen = "card.lost-or-stolen";
    public const string AuditTarget = "card";

    /// <summary>The refusal of a number reported lost or stolen: the issuer's replacement card has a new one.</summary>
    public const string LostNumberRefused = "This card was reported lost or stolen, so it cannot be added again. Add the replacement card your bank sends you: it has a new number.";

    /// <summary>Credit limits a card holder can choose from.</summary>
    public static IReadOnlyList<decimal> OfferedCreditLimits { get; } = [500m, 1000m, 2500m, 5000m, 10000m, 20000m];

    /// <summary>The inputs errors can point at; the form uses the same names.</summary>
    public static class Fields
    {
        public const string Number = "CardNumber";
        public const string CardholderName = "CardholderName";
        public const string CreditLimit = "CreditLimit";
    }

    /// <summary>
    /// Adds a card; the same card again is not a second card: with a later expiry it is the issuer's renewal (the
    /// card's expiry and name are updated, its balance, limit and history stay), with the same expiry it is already
    /// there (a double click: the answer is the card). The card's id and which of the three happened, or why it was refused.
    /// </summary>
    public const string ConsentFirst = "Give your consent to the processing of your cards and payments first: sign out and in again to be asked.";

    public async Task<Result<CardAdded>> AddAsync(string userId, NewCard input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var holder = await db.CardHolders.OwnedBy(userId)
            .Select(h => new { h.Id, Consented = h.ConsentedUtc != null && h.ConsentNotice == PrivacyNotice.Version }).FirstOrDefaultAsync(cancellationToken);
        if (holder is null) return Result.Fail<CardAdded>(ErrorCode.NotFound, Text.Get("Your profile was not found."));
        // The pages ask first (HolderConsentFilter); this holds where a session began before the holder record existed.
        if (!holder.Consented) return Result.Fail<CardAdded>(ErrorCode.Refused, Text.Get(ConsentFirst));
        var holderId = (long?)holder.Id;
        var now = issuer.Now();
        CardNumber number;
        CardExpiry expiry;
        string fingerprint;
        try
        {
            number = CardNumber.Parse(input.Number);
            expiry = CardExpiry.Create(input.ExpiryMonth, input.ExpiryYear, now.Date);
            fingerprint = keys.Fingerprinter.Fingerprint(number);
        }
        catch (DomainException ex)
        {
            return Result.Fail<CardAdded>(ErrorCode.Invalid, Text.Of(ex));
        }
        if (!OfferedCreditLimits.Contains(input.CreditLimit))
        {
            return Result.Fail<CardAdded>(ErrorCode.Invalid, Text.Get("Choose one of the offered credit limits."), Fields.CreditLimit);
        }
        for (var attempt = 1; ; attempt++)
        {
            // The holder's row held first (HolderLink), then the card a renewal changes (RowLocks): the account closed
            // meanwhile keeps no name, and a payment on the card waits for the renewal instead of failing its balance
            // token (a renewal of a card in use answered "try again" three times).
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!await HolderLink.HoldAsync(db, userId, cancellationToken))
                return Result.Fail<CardAdded>(ErrorCode.NotFound, Text.Get("Your profile was not found."));
            // The card that holds the number: one that takes payments, or one the bank blocked (still the holder's, docs/decisions/0028).
            var existing = await db.Cards.FirstOrDefaultAsync(c => c.CardHolderId == holderId && c.Fingerprint == fingerprint
                && (c.StoppedUtc == null || c.StoppedAs == CardStop.Blocked), cancellationToken);
            if (existing is not null && db.Database.IsNpgsql())
            {
                await RowLocks.HoldCardAsync(db, existing.Id, cancellationToken);
                await db.Entry(existing).ReloadAsync(cancellationToken);
            }
            // A number reported lost or stolen never comes back on this profile; one the holder only removed is a new
            // card. Asked after the card is held: asked before, a stop committed while this waited for the holder's row
            // let the lost number be added again as a new card (a stop holds only the card).
            if (await db.Cards.AnyAsync(c => c.CardHolderId == holderId && c.Fingerprint == fingerprint && c.StoppedAs == CardStop.LostOrStolen, cancellationToken))
                return Result.Fail<CardAdded>(ErrorCode.Conflict, Text.Get(LostNumberRefused), Fields.Number);
            // Removed by the holder meanwhile (another tab): no longer the card that holds the number.
            if (existing is { StoppedUtc: not null, IsBlocked: false }) existing = null;
            Card card;
            CardAddOutcome outcome;
            try
            {
                if (existing is null)
                {
                    card = Card.Add(holderId.Value, number, fingerprint, expiry, input.CardholderName, input.CreditLimit, now);
                    db.Cards.Add(card);
                    outcome = CardAddOutcome.Added;
                }
                else
                {
                    var order = existing.CompareExpiry(expiry);
                    if (order == 0) return Result.Success(new CardAdded(existing.Id, CardAddOutcome.AlreadyAdded, existing.CreditLimit, existing.ExpiryText));
                    if (order > 0) return Result.Fail<CardAdded>(ErrorCode.Conflict, Text.Get("This card is already on your profile with a later expiry date."), Fields.Number);
                    // Not renewed while blocked: the bank lifts the block first (the holder sees why on the card's page).
                    if (existing.IsBlocked) return Result.Fail<CardAdded>(ErrorCode.Conflict, Text.Get(Card.BlockedMessage), Fields.Number);
                    existing.Renew(expiry, input.CardholderName);
                    (card, outcome) = (existing, CardAddOutcome.Renewed);
                }
            }
            catch (DomainException ex)
            {
                // The number, expiry and limit were checked above: what is left to refuse here is the name.
                return Result.Fail<CardAdded>(ErrorCode.Invalid, Text.Of(ex), Fields.CardholderName);
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                LogAdded(logger, card.Id, outcome, card.Brand, card.Last4);
                return Result.Success(new CardAdded(card.Id, outcome, card.CreditLimit, card.ExpiryText));
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // The same card added at the same moment, or the renewed card's balance changed meanwhile: both are held
                // above, so only a fault that is no race is left; read again and decide on what is stored.
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateException e)
            {
                // Changed meanwhile at every attempt (a renewal racing a busy card's payments): said, not a 500; logged,
                // so a fault that is no race (a constraint a bug breaks) is seen rather than told as "busy" for ever.
                LogNotSaved(logger, holderId.Value, e);
                db.ChangeTracker.Clear();
                return Result.Fail<CardAdded>(ErrorCode.Unavailable, Text.Get(CardBusyAdding));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A card of holder {HolderId} could not be saved after three attempts")]
    private static partial void LogNotSaved(ILogger logger, long holderId, Exception exception);

    public const string CardBusyAdding = "The card was being used at the same moment, so nothing was saved. Please try again.";

    /// <summary>The holder takes their card off their profile (<see cref="Card.Remove"/>); NotFound for another's or a missing card.</summary>
    public Task<Result<CardStopped>> RemoveAsync(string userId, long cardId, CancellationToken cancellationToken) =>
        StopCardAsync(userId, cardId, CardStop.Removed, cancellationToken);

    /// <summary>The holder reports their card lost or stolen (<see cref="Card.ReportLostOrStolen"/>); NotFound for another's or a missing card.</summary>
    public Task<Result<CardStopped>> ReportLostOrStolenAsync(string userId, long cardId, CancellationToken cancellationToken) =>
        StopCardAsync(userId, cardId, CardStop.LostOrStolen, cancellationToken);

    /// <summary>The holder stops their card as <paramref name="stop"/> says (the API's one call for both); NotFound for another's or a missing card.</summary>
    public Task<Result<CardStopped>> StopAsync(string userId, long cardId, CardStop stop, CancellationToken cancellationToken) => stop switch
    {
        CardStop.Removed => RemoveAsync(userId, cardId, cancellationToken),
        CardStop.LostOrStolen => ReportLostOrStolenAsync(userId, cardId, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(stop), stop, "Not a way to stop a card."),
    };

    /// <summary>
    /// Stops the card and audits it in one commit. Every instance refuses its next payment: the payment writer reads the
    /// card in its own transaction (locked on PostgreSQL) and refuses a stopped one, and on SQLite this save makes the
    /// payment path's memory forget the card (docs/decisions/0018, 0023).
    /// </summary>
    private async Task<Result<CardStopped>> StopCardAsync(string userId, long cardId, CardStop stop, CancellationToken cancellationToken)
    {
        // The card's row held first, so no payment commits between the read and the save (RowLocks): a stop never
        // loses to the card's own spending.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RowLocks.HoldCardAsync(db, cardId, cancellationToken);
        var card = await db.Cards.OwnedBy(userId).FirstOrDefaultAsync(c => c.Id == cardId, cancellationToken);
        if (card is null) return Result.Fail<CardStopped>(ErrorCode.NotFound, Text.Get("This card does not exist."));
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            if (stop == CardStop.LostOrStolen) card.ReportLostOrStolen(now);
            else card.Remove(now);
        }
        catch (DomainException ex)
        {
            return Result.Fail<CardStopped>(ErrorCode.Conflict, Text.Of(ex));
        }
        // Ids and the kind of stop only: no number, no name (ADR 0004).
        db.Set<AuditEntry>().Add(AuditEntry.Record(userId, stop == CardStop.LostOrStolen ? AuditLostOrStolen : AuditRemove, AuditTarget,
            card.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, $"{{\"StoppedAs\":\"{stop}\"}}", now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogStopped(logger, card.Id, stop);
        return Result.Success(new CardStopped(card.Id, stop, now, card.Brand, card.Last4));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Card {CardId} stopped by its holder: {StoppedAs}")]
    private static partial void LogStopped(ILogger logger, long cardId, CardStop stoppedAs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Card {CardId} {Outcome} ({Brand} ending {Last4})")]
    private static partial void LogAdded(ILogger logger, long cardId, CardAddOutcome outcome, CardBrand brand, string last4);
}
