using FraudWeb.Infrastructure.Localization;
using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Services.Admin;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Rules;

/// <summary>
/// Allow, block and reference lists of cards, merchants and merchant categories. A card is added by picking a stored
/// card (its fingerprint is copied, never a number); every addition and removal says why and is audited.
/// </summary>
public sealed class RuleListService(FraudDbContext db, RuleBookCache cache, AuditLog audit, TimeProvider clock)
{
    public const string AuditTarget = "rule-list";

    public static class Fields
    {
        public const string Name = "Name";
        public const string Description = "Description";
        public const string Entry = "Entry";
        public const string Reason = "Reason";
    }

    public async Task<Result<long>> CreateAsync(string actorId, string name, RuleListKind kind, RuleListPurpose purpose, string? description, CancellationToken cancellationToken)
    {
        RuleList list;
        try
        {
            // Checked first on its own, so its refusal shows under the description, not the name.
            description = RuleList.CheckDescription(description);
        }
        catch (DomainException ex)
        {
            return Result.Fail<long>(ErrorCode.Invalid, Text.Of(ex), Fields.Description);
        }
        try
        {
            list = RuleList.Create(name, kind, purpose, description, actorId, clock.GetUtcNow().UtcDateTime);
        }
        catch (DomainException ex)
        {
            return Result.Fail<long>(ErrorCode.Invalid, Text.Of(ex), Fields.Name);
        }
        if (await db.RuleLists.AnyAsync(l => l.Name == list.Name, cancellationToken))
        {
            return Result.Fail<long>(ErrorCode.Conflict, Text.Format("There is already a list named {0}.", list.Name), Fields.Name);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.RuleLists.Add(list);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (!Infrastructure.Database.DatabaseFaults.IsUnavailable(ex))
        {
            // The unique name: another analyst created a list of this name at the same moment.
            db.ChangeTracker.Clear();
            return Result.Fail<long>(ErrorCode.Conflict, Text.Format("There is already a list named {0}.", list.Name), Fields.Name);
        }
        await audit.AppendAsync(actorId, AuditActions.ListCreate, AuditTarget, Id(list.Id), null,
            new { list.Name, Kind = list.Kind.ToString(), Purpose = list.Purpose.ToString() }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.ChangedAsync();
        return Result.Success(list.Id);
    }

    /// <summary>
    /// Adds an entry: for a card list <paramref name="entry"/> is the id of a stored card, for a merchant list a
    /// merchant's id, for a category list a category that merchants have.
    /// </summary>
    /// <returns>Whether the entry waits for a second analyst's approval (payments do not see it until then).</returns>
    public async Task<Result<bool>> AddAsync(string actorId, long listId, string entry, string reason, CancellationToken cancellationToken)
    {
        var list = await db.RuleLists.Include(l => l.Entries).SingleOrDefaultAsync(l => l.Id == listId, cancellationToken);
        if (list is null) return Result.Fail<bool>(ErrorCode.NotFound, Text.Get("This list does not exist."));
        var resolved = await ResolveAsync(list.Kind, entry?.Trim() ?? "", cancellationToken);
        if (resolved is null) return Result.Fail<bool>(ErrorCode.Invalid, NotFoundText(list.Kind), Fields.Entry);
        if (list.Kind == RuleListKind.Card && await OwnsCardAsync(actorId, resolved.Value.Value, cancellationToken))
            return Result.Fail<bool>(ErrorCode.Refused, Text.Get(OwnCard), Fields.Entry);
        RuleListEntry added;
        try
        {
            reason = RuleList.CheckReason(reason);
        }
        catch (DomainException ex)
        {
            return Result.Fail<bool>(ErrorCode.Invalid, Text.Of(ex), Fields.Reason);
        }
        // Whether an allow rule reads the list is read inside the transaction that adds the entry (RulesLock).
        await using var transaction = await RulesLock.BeginAsync(db, cancellationToken);
        if (resolved.Value.CardId is { } cardId) reason = await ReasonKeptAsync(cardId, reason, cancellationToken);
        try
        {
            added = list.Add(resolved.Value.Value, resolved.Value.Label, resolved.Value.CardId, reason, actorId, clock.GetUtcNow().UtcDateTime,
                needsSecondAnalyst: await AllowsAsync(list, cancellationToken));
        }
        catch (DomainException ex)
        {
            // "… is already on this list" names the entry as the page shows it, in its language (the stored label is English).
            var message = ex.Arguments.Count == 1 && Equals(ex.Arguments[0], resolved.Value.Label)
                ? Text.Format(ex.Template, resolved.Value.Display)
                : Text.Of(ex);
            return Result.Fail<bool>(ErrorCode.Invalid, message, Fields.Entry);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (!Infrastructure.Database.DatabaseFaults.IsUnavailable(ex))
        {
            // One entry per value on a list (a unique index): another analyst added it at the same moment.
            db.ChangeTracker.Clear();
            return Result.Fail<bool>(ErrorCode.Conflict, Text.Format("{0} is already on this list.", resolved.Value.Display), Fields.Entry);
        }
        // Ids only: the audit keeps no values about a person (ADR 0004).
        await audit.AppendAsync(actorId, AuditActions.ListAdd, AuditTarget, Id(list.Id), null,
            new { Entry = added.Id, added.CardId, Kind = list.Kind.ToString(), WaitingForApproval = added.IsPending }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (added.IsActive) await cache.ChangedAsync();
        return Result.Success(added.IsPending);
    }

    /// <summary>
    /// Whether an entry on the list would let payments through: an allow list, or a list an allow rule reads (by its
    /// current condition, enabled or not: a draft may be enabled later). Such entries need a second analyst.
    /// </summary>
    private async Task<bool> AllowsAsync(RuleList list, CancellationToken cancellationToken)
    {
        if (list.Purpose == RuleListPurpose.Allow) return true;
        var conditions = await db.Rules.AsNoTracking().Where(r => r.Action == RuleAction.Allow).Select(r => r.Expression).ToListAsync(cancellationToken);
        return conditions.Any(list.IsNamedIn);
    }

    /// <summary>A second analyst lets payments see an entry waiting for approval (never its author, never on their own card). Audited.</summary>
    public async Task<Result> ApproveAsync(string actorId, long listId, long entryId, CancellationToken cancellationToken)
    {
        var entry = await db.RuleListEntries.SingleOrDefaultAsync(e => e.Id == entryId && e.ListId == listId, cancellationToken);
        if (entry is null) return Result.NotFound(Text.Get("This entry does not exist."));
        if (entry.CardId is not null && await OwnsCardAsync(actorId, entry.Value, cancellationToken))
            return Result.Fail(ErrorCode.Refused, Text.Get(OwnCard), Fields.Entry);
        try
        {
            entry.Approve(actorId, clock.GetUtcNow().UtcDateTime);
        }
        catch (DomainException ex)
        {
            return Result.Fail(ex.Code == DomainErrorCode.StateChanged ? ErrorCode.Conflict : ErrorCode.Refused, Text.Of(ex), Fields.Entry);
        }
        await audit.AppendAsync(actorId, AuditActions.ListApprove, AuditTarget, Id(listId), new { Entry = entry.Id, entry.CardId, WaitingForApproval = true },
            new { Entry = entry.Id, entry.CardId, WaitingForApproval = false }, cancellationToken);
        try
        {
            // The entry and its audit in one save; an approval or removal by someone else meanwhile wins.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result.Fail(ErrorCode.Conflict, Text.Get("This entry no longer waits for approval."), Fields.Entry);
        }
        await cache.ChangedAsync();
        return Result.Ok;
    }

    public async Task<Result> RemoveAsync(string actorId, long listId, long entryId, string reason, CancellationToken cancellationToken)
    {
        var entry = await db.RuleListEntries.SingleOrDefaultAsync(e => e.Id == entryId && e.ListId == listId, cancellationToken);
        if (entry is null) return Result.NotFound(Text.Get("This entry does not exist."));
        if (await db.RuleLists.AnyAsync(l => l.Id == listId && l.Kind == RuleListKind.Card, cancellationToken) && await OwnsCardAsync(actorId, entry.Value, cancellationToken))
            return Result.Fail(ErrorCode.Refused, Text.Get(OwnCard), Fields.Reason);
        var waited = entry.IsPending;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (entry.CardId is { } cardId) reason = await ReasonKeptAsync(cardId, reason, cancellationToken);
        try
        {
            entry.Remove(reason, actorId, clock.GetUtcNow().UtcDateTime);
        }
        catch (DomainException ex)
        {
            return Result.Fail(ex.Code == DomainErrorCode.Invalid ? ErrorCode.Invalid : ErrorCode.Conflict, Text.Of(ex), Fields.Reason);
        }
        await audit.AppendAsync(actorId, AuditActions.ListRemove, AuditTarget, Id(listId), new { Entry = entry.Id, entry.CardId, WaitingForApproval = waited }, null, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result.Fail(ErrorCode.Conflict, Text.Get("Another analyst changed this entry at the same moment; the list has been refreshed."), Fields.Reason);
        }
        await transaction.CommitAsync(cancellationToken);
        await cache.ChangedAsync();
        return Result.Ok;
    }

    /// <summary>
    /// The reason an entry for a card keeps: the analyst's words about the person, unless the card's holder has closed
    /// their account, whose erasure replaces them (docs/decisions/0024). Read with the card held (RowLocks), as the
    /// erasure holds it: read unheld, a reason saved while the account closed was written after the erasure had
    /// replaced the others, and kept.
    /// </summary>
    private async Task<string> ReasonKeptAsync(long cardId, string reason, CancellationToken cancellationToken)
    {
        await RowLocks.HoldCardAsync(db, cardId, cancellationToken);
        return await db.Cards.OfClosedAccounts().AnyAsync(c => c.Id == cardId, cancellationToken) ? RuleListEntry.ErasedReason : reason;
    }

    /// <summary>
    /// Staff never list their own cards, nor take them off a list: allowing one would let its holder skip the model
    /// on their own payments, as deciding them would let them refund themselves (ReviewService).
    /// </summary>
    public const string OwnCard = "This is your own card: another analyst must put it on a list or take it off.";

    /// <summary>Whether the actor holds a card with this fingerprint (the same number, under any of their cards).</summary>
    private Task<bool> OwnsCardAsync(string actorId, string fingerprint, CancellationToken cancellationToken) =>
        db.Cards.OwnedBy(actorId).AnyAsync(c => c.Fingerprint == fingerprint, cancellationToken);

    private async Task<(string Value, string Label, string Display, long? CardId)?> ResolveAsync(RuleListKind kind, string entry, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case RuleListKind.Card:
                if (!long.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var cardId)) return null;
                var card = await db.Cards.AsNoTracking().Where(c => c.Id == cardId).Select(c => new { c.Id, c.Fingerprint, c.Brand, c.Last4 }).SingleOrDefaultAsync(cancellationToken);
                return card is null ? null : (card.Fingerprint, Domain.Cards.CardNumber.Mask(card.Brand, card.Last4), Domain.Cards.CardNumber.Mask(card.Brand, card.Last4), card.Id);
            case RuleListKind.Merchant:
                if (!long.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var terminalId)) return null;
                var terminal = await db.Terminals.AsNoTracking().Where(t => t.Id == terminalId).Select(t => new { t.Id, t.Name, t.Category }).SingleOrDefaultAsync(cancellationToken);
                if (terminal is null) return null;
                var stored = RuleListLabels.StoredMerchant(terminal.Id, terminal.Name, terminal.Category);
                return (Id(terminal.Id), stored, RuleListLabels.Display(kind, stored, Id(terminal.Id), (terminal.Name, terminal.Category)), null);
            default:
                // As the merchants spell it, whatever the case typed (lists and rules compare categories ignoring case).
                // Compared in .NET: SQLite's upper() leaves "é" alone, so "Cafés" could not be added at all.
                var category = (await db.Terminals.CategoriesAsync(cancellationToken)).Find(c => string.Equals(c, entry, StringComparison.OrdinalIgnoreCase));
                return category is null ? null : (category, category, RuleListLabels.Display(kind, category, category, null), null);
        }
    }

    private static string NotFoundText(RuleListKind kind) => kind switch
    {
        RuleListKind.Card => Text.Get("Pick a card from the search results."),
        RuleListKind.Merchant => Text.Get("Pick a merchant from the search results."),
        _ => Text.Get("Pick one of the merchants' categories."),
    };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// How list entries are named. The label stored with an entry is English, as it always was (kept for compatibility
/// and as the fallback); pages name merchants and categories at read time, in the page's language.
/// </summary>
public static class RuleListLabels
{
    /// <summary>The label stored when a merchant is added: "{name} ({category}, #{id})", in English.</summary>
    public static string StoredMerchant(long terminalId, string name, string category) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} ({category}, #{terminalId})");

    /// <summary>
    /// An entry's name in the page's language: a category translated, a merchant from its current name and translated
    /// category (<paramref name="merchant"/>, when known), a card as stored (brand and last four digits).
    /// </summary>
    public static string Display(RuleListKind kind, string storedLabel, string value, (string Name, string Category)? merchant)
    {
        ArgumentNullException.ThrowIfNull(storedLabel);
        ArgumentNullException.ThrowIfNull(value);
        return kind switch
        {
            RuleListKind.MerchantCategory => Text.Get(value),
            RuleListKind.Merchant when merchant is { } m => Text.Format("{0} ({1}, #{2})", m.Name, Text.Get(m.Category), value),
            _ => storedLabel,
        };
    }
}
