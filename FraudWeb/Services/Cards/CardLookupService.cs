using System.Globalization;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Cards;

/// <summary>How staff looked a card up: by its whole number, its holder's email address, or (a card list's search) its last four digits or the name on it.</summary>
public enum CardLookupBy
{
    CardNumber,
    Email,
    Last4,
    Name,
}

/// <summary>
/// Staff who block cards find the card a holder calls about (docs/decisions/0030): by its whole number, through the
/// keyed fingerprint the cards are stored by (the number goes no further: not stored, logged or returned), or by the
/// holder's email address. Each lookup is a staff action on a holder's data, audited in its own commit: ids only.
/// </summary>
public sealed class CardLookupService(FraudDbContext db, CardKeyProvider keys, ILookupNormalizer normalizer, TimeProvider clock)
{
    /// <summary>The audit log's name for a lookup (Services.Admin.AuditActions lists it with the rest).</summary>
    public const string AuditLookup = "card.lookup";

    /// <summary>The target id of a lookup that found no card: repeated misses are what guessing numbers looks like.</summary>
    public const string NothingFound = "none";

    /// <summary>More cards than a holder could have: a page, not a list to scroll.</summary>
    public const int MaxResults = 50;

    /// <summary>The forms' fields, for errors that name one.</summary>
    public static class Fields
    {
        public const string CardNumber = "CardNumber";
        public const string Email = "Email";
    }

    /// <summary>The cards with this number, on any holder's profile (the fingerprint is unique per holder only).</summary>
    public async Task<Result<IReadOnlyList<long>>> FindByNumberAsync(string staffUserId, string? number, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(staffUserId);
        if (CardNumber.Check(number) is { } problem) return Result.Fail<IReadOnlyList<long>>(ErrorCode.Invalid, Text.Of(problem), Fields.CardNumber);
        var fingerprint = keys.Fingerprinter.Fingerprint(CardNumber.Parse(number));
        var ids = await db.Cards.AsNoTracking().Where(c => c.Fingerprint == fingerprint).OrderBy(c => c.Id).Select(c => c.Id).Take(MaxResults).ToListAsync(cancellationToken);
        await AuditAsync(staffUserId, CardLookupBy.CardNumber, ids, cancellationToken);
        return Result.Success<IReadOnlyList<long>>(ids);
    }

    /// <summary>The cards of the account with this email address (as sign-in compares them: case aside).</summary>
    public async Task<Result<IReadOnlyList<long>>> FindByEmailAsync(string staffUserId, string? email, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(staffUserId);
        if (string.IsNullOrWhiteSpace(email)) return Result.Fail<IReadOnlyList<long>>(ErrorCode.Invalid, Text.Get("Enter the card holder's email address."), Fields.Email);
        var normalized = normalizer.NormalizeEmail(email.Trim());
        var userId = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken);
        List<long> ids = userId is null ? [] : await db.Cards.AsNoTracking().OwnedBy(userId).OrderBy(c => c.Id).Select(c => c.Id).Take(MaxResults).ToListAsync(cancellationToken);
        await AuditAsync(staffUserId, CardLookupBy.Email, ids, cancellationToken);
        return Result.Success<IReadOnlyList<long>>(ids);
    }

    /// <summary>
    /// A card list's search box (docs/decisions/0030, addendum): a whole number finds its cards by the fingerprint, four
    /// digits by the last four, anything else by the name on the card. The same question as the lookup page's ("is this
    /// number on file, whose is it"), so audited the same way; the caller's action carries the same rate limit.
    /// </summary>
    public async Task<IReadOnlyList<long>> FindForListAsync(string staffUserId, string term, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(staffUserId);
        ArgumentNullException.ThrowIfNull(term);
        var cards = db.Cards.AsNoTracking();
        CardLookupBy by;
        if (CardNumber.TryParse(term, out var number, out _))
        {
            var fingerprint = keys.Fingerprinter.Fingerprint(number!);
            (cards, by) = (cards.Where(c => c.Fingerprint == fingerprint), CardLookupBy.CardNumber);
        }
        // A number among other words is not searched for as a name (it would be audited as one).
        else if (CardNumber.IsIn(term)) return [];
        else if (term.Length == 4 && term.All(char.IsAsciiDigit)) (cards, by) = (cards.Where(c => c.Last4 == term), CardLookupBy.Last4);
        else
        {
            var pattern = LikePattern.Containing(term);
            cards = db.Database.IsNpgsql()
                ? cards.Where(c => EF.Functions.ILike(c.CardholderName, pattern, LikePattern.Escape))
                : cards.Where(c => EF.Functions.Like(c.CardholderName, pattern, LikePattern.Escape));
            by = CardLookupBy.Name;
        }
        var ids = await cards.OrderBy(c => c.Id).Select(c => c.Id).Take(max).ToListAsync(cancellationToken);
        await AuditAsync(staffUserId, by, ids, cancellationToken);
        return ids;
    }

    /// <summary>
    /// One entry per card found (so each holder's data download lists who looked their card up), or one saying nothing
    /// was: the way in, never the number or the address typed (ADR 0004: the audit log keeps no personal data).
    /// </summary>
    private async Task AuditAsync(string staffUserId, CardLookupBy by, List<long> ids, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var after = JsonSerializer.Serialize(new { LookedUpBy = by.ToString(), CardsFound = ids.Count });
        var targets = ids.Count == 0 ? [NothingFound] : ids.Select(id => id.ToString(CultureInfo.InvariantCulture));
        foreach (var target in targets)
            db.Set<AuditEntry>().Add(AuditEntry.Record(staffUserId, AuditLookup, CardService.AuditTarget, target, null, after, now));
        await db.SaveChangesAsync(cancellationToken);
    }
}
