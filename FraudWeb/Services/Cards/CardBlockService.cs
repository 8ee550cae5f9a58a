using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Cards;

/// <summary>A card the bank blocked or unblocked: which, whose (their user id, for the mail; null for an erased or simulated holder) and its masked number.</summary>
public sealed record CardBlockChanged(long Id, string? HolderUserId, CardBrand Brand, string Last4, bool Blocked)
{
    /// <summary>The domain's label (the API's); pages and mails name the brand in their language (<see cref="Infrastructure.Localization.CardLabel"/>).</summary>
    public string Masked => CardNumber.Mask(Brand, Last4);
}

/// <summary>
/// Staff block a holder's card and lift the block (docs/decisions/0028): the card's own rules decide what may be
/// blocked or unblocked; each change is audited in the same commit (ids and the reason, never the number or the note).
/// </summary>
public sealed partial class CardBlockService(FraudDbContext db, TimeProvider clock, ILogger<CardBlockService> logger)
{
    /// <summary>The audit log's names for staff blocking and unblocking a card (Services.Admin.AuditActions lists them with the rest).</summary>
    public const string AuditBlock = "card.block";
    public const string AuditUnblock = "card.unblock";

    public const string OwnCardRefused = "Your own card is blocked or unblocked by another member of staff.";

    public const string ApiOwnCardRefused = "The card is your own or the key's creator's; another member of staff must block or unblock it.";

    public const string ClosedAccountRefused = "The card holder's account is closed (by them or by an administrator), so this card takes no payments whatever its block says: it is kept as it is.";

    /// <summary>The form's fields, for errors that name one.</summary>
    public static class Fields
    {
        public const string Reason = "Reason";
        public const string Note = "Note";
    }

    /// <summary>Blocks the card (<see cref="Card.Block"/>); NotFound for a missing card, Refused for the staff member's own.</summary>
    /// <param name="apiKeyId">The API key the change came with, or null from the web form (<see cref="ChangeAsync"/>).</param>
    public Task<Result<CardBlockChanged>> BlockAsync(string staffUserId, long cardId, CardBlockReason reason, string? note, long? apiKeyId, CancellationToken cancellationToken) =>
        ChangeAsync(staffUserId, cardId, apiKeyId, (card, _) =>
        {
            card.Block(reason, note, clock.GetUtcNow().UtcDateTime);
            return Task.FromResult<(string, object, object)>((AuditBlock, new { StoppedAs = (string?)null }, new { StoppedAs = nameof(CardStop.Blocked), BlockReason = reason.ToString() }));
        }, cancellationToken);

    /// <summary>Lifts the bank's block (<see cref="Card.Unblock"/>); a holder's own stop is refused.</summary>
    /// <param name="apiKeyId">The API key the change came with, or null from the web form.</param>
    public Task<Result<CardBlockChanged>> UnblockAsync(string staffUserId, long cardId, long? apiKeyId, CancellationToken cancellationToken) =>
        ChangeAsync(staffUserId, cardId, apiKeyId, async (card, token) =>
        {
            // Which block this lifts (auditor): the block's own entry, since when, and whether it had a note. Read with the
            // card's row held, so a block placed meanwhile is the one named. The note's words stay out of the log (0004,
            // 0028): erasing the holder could not reach them there.
            var target = cardId.ToString(CultureInfo.InvariantCulture);
            var blockEntry = await db.Set<AuditEntry>().AsNoTracking()
                .Where(e => e.TargetType == CardService.AuditTarget && e.TargetId == target && e.Action == AuditBlock)
                .OrderByDescending(e => e.Id).Select(e => (long?)e.Id).FirstOrDefaultAsync(token);
            var before = new { StoppedAs = card.StoppedAs?.ToString(), BlockReason = card.BlockReason?.ToString(), BlockedSinceUtc = card.StoppedUtc, HadNote = card.BlockNote is not null, BlockEntry = blockEntry };
            card.Unblock();
            return (AuditUnblock, (object)before, new { StoppedAs = (string?)null });
        }, cancellationToken);

    /// <summary>
    /// Changes the card and audits it in one commit. Every instance sees it at the card's next payment, as a holder's stop
    /// (docs/decisions/0018, 0023): an EF Core save of the card, which the payment writer reads again in its transaction.
    /// With an API key, its creator is held to the own-card rule too (an administrator who made a colleague's key has
    /// seen its secret), and the entry names the key and its creator, as an API label's does.
    /// </summary>
    private async Task<Result<CardBlockChanged>> ChangeAsync(string staffUserId, long cardId, long? apiKeyId, Func<Card, CancellationToken, Task<(string Action, object Before, object After)>> change,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(staffUserId);
        var key = apiKeyId is { } keyId ? await db.ApiKeys.Where(k => k.Id == keyId).Select(k => new { k.Prefix, k.CreatedBy }).FirstOrDefaultAsync(cancellationToken) : null;
        if (apiKeyId is not null && key is null) return Result.Fail<CardBlockChanged>(ErrorCode.Refused, Text.Get("This key does not exist."));
        // The card's row held first, so no payment commits between the read and the save (RowLocks): a block on a
        // card being spent from quickly is not refused as busy.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RowLocks.HoldCardAsync(db, cardId, cancellationToken);
        var card = await db.Cards.Include(c => c.CardHolder).FirstOrDefaultAsync(c => c.Id == cardId, cancellationToken);
        if (card is null) return Result.Fail<CardBlockChanged>(ErrorCode.NotFound, Text.Get("This card does not exist."));
        // Nobody lifts a block on their own card (nor blocks it, so that they could not then be the one to lift it).
        var owner = OwnershipQueries.OwnerOf(card);
        if (owner == staffUserId || (owner is not null && owner == key?.CreatedBy))
            return Result.Fail<CardBlockChanged>(ErrorCode.Refused, Text.Get(key is null ? OwnCardRefused : ApiOwnCardRefused));
        // A closed account's cards take no payments at all: a block placed or lifted there would only say otherwise
        // (a simulated holder has no account either, and its cards do take payments).
        if (owner is null && !card.CardHolder!.IsSimulated)
            return Result.Fail<CardBlockChanged>(ErrorCode.Conflict, Text.Get(ClosedAccountRefused));
        (string Action, object Before, object After) done;
        try
        {
            done = await change(card, cancellationToken);
        }
        catch (DomainException ex)
        {
            return Result.Fail<CardBlockChanged>(ex.Code == DomainErrorCode.Invalid ? ErrorCode.Invalid : ErrorCode.Conflict, Text.Of(ex),
                ex.Code == DomainErrorCode.Invalid ? Fields.Note : "");
        }
        // Ids and the reason only: no number, no note (ADR 0004: the audit log keeps no personal data).
        db.Set<AuditEntry>().Add(AuditEntry.Record(staffUserId, done.Action, CardService.AuditTarget, card.Id.ToString(CultureInfo.InvariantCulture),
            System.Text.Json.JsonSerializer.Serialize(done.Before), System.Text.Json.JsonSerializer.Serialize(WithKey(done.After, key?.Prefix, key?.CreatedBy)),
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChanged(logger, card.Id, done.Action);
        return Result.Success(new CardBlockChanged(card.Id, owner, card.Brand, card.Last4, card.IsBlocked));
    }

    /// <summary>The entry's after-state, with the key and its creator when the change came through the API.</summary>
    private static object WithKey(object after, string? prefix, string? createdBy)
    {
        if (prefix is null) return after;
        var fields = System.Text.Json.JsonSerializer.SerializeToElement(after).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value, StringComparer.Ordinal);
        fields["Key"] = prefix;
        fields["KeyCreatedBy"] = createdBy;
        return fields;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Card {CardId}: {Action} by staff")]
    private static partial void LogChanged(ILogger logger, long cardId, string action);
}
