using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Admin;

/// <summary>
/// Reads of the audit log (PCI DSS 10.2.1.3) and refused attempts (10.2.1.4: refused by authorization, or another person's id answered 404), audited. Entries keep no personal data
/// (ADR 0004): an email typed into a filter is kept as the id of the account with that address.
/// </summary>
public sealed class AccessAuditService(FraudDbContext db, AuditLog audit, ILookupNormalizer normalizer, RefusalThrottle throttle)
{
    public const string AuditLogTarget = "audit-log";
    public const string PageTarget = "page";

    /// <summary>What an email in a filter is recorded as when no account has that exact address (a part of one, say).</summary>
    public const string EmailAddress = "EmailAddress";

    /// <summary>Staff opened a page of the audit log with these filters (null: not set).</summary>
    public async Task RecordAuditReadAsync(string actorId, string? actor, string? operation, string? target, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        var actorFilter = await WithoutEmailAsync(actor, cancellationToken);
        var targetFilter = await WithoutEmailAsync(target, cancellationToken);
        var fromDay = from?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var toDay = to?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await audit.AppendAsync(actorId, AuditActions.AuditRead, AuditLogTarget, AuditLogTarget, null,
            new { ActorFilter = actorFilter, ActionFilter = operation, TargetFilter = targetFilter, From = fromDay, To = toDay }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// A signed-in user, or an API key acting for one (<paramref name="apiKeyId"/>, recorded by its prefix as key
    /// entries are), was refused a page or an action by authorization: the path (never its query) and the method.
    /// </summary>
    public async Task RecordRefusedAsync(string actorId, string method, string path, long? apiKeyId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        var target = CardNumber.Redact(string.IsNullOrEmpty(path) ? "/" : path);
        var key = await KeyPrefixAsync(apiKeyId, cancellationToken);
        object after = key is null ? new { Method = method } : new { Method = method, Key = key };
        await audit.AppendAsync(actorId, AuditActions.AccessRefused, PageTarget, target[..Math.Min(target.Length, 450)], null, after, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// A user (or an API key acting for one) was answered 404 for <paramref name="id"/>: when it names another person's
    /// <paramref name="record"/> (not a missing one, nor the user's own), the refusal is recorded with that person as
    /// its owner, as often as <paramref name="endpoint"/>'s refusals may be. False when nothing was recorded.
    /// </summary>
    public async Task<bool> RecordOthersRecordAsync(string actorId, OwnedRecord record, long id, string method, string path, long? apiKeyId, string endpoint,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        var owner = record switch
        {
            OwnedRecord.Card => await db.Cards.AsNoTracking().Where(c => c.Id == id).Select(c => c.CardHolder!.UserId).FirstOrDefaultAsync(cancellationToken),
            OwnedRecord.Payment => await db.Transactions.AsNoTracking().Where(t => t.Id == id).Select(t => t.Card!.CardHolder!.UserId).FirstOrDefaultAsync(cancellationToken),
            _ => await db.ApiKeys.AsNoTracking().Where(k => k.Id == id).Select(k => k.OwnerId).FirstOrDefaultAsync(cancellationToken),
        };
        if (owner is null || owner == actorId || !throttle.ShouldRecord(actorId, endpoint)) return false;
        var target = CardNumber.Redact(string.IsNullOrEmpty(path) ? "/" : path);
        var key = await KeyPrefixAsync(apiKeyId, cancellationToken);
        // The id under its kind's name: the path holds it for /Cards/Details/{id}, not for a form's or a body's.
        var after = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Method"] = method,
            [record switch { OwnedRecord.Card => "CardId", OwnedRecord.Payment => "PaymentId", _ => "KeyId" }] = id,
            ["Owner"] = owner,
        };
        if (key is not null) after["Key"] = key;
        await audit.AppendAsync(actorId, AuditActions.AccessRefused, PageTarget, target[..Math.Min(target.Length, 450)], null, after, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task<string?> KeyPrefixAsync(long? apiKeyId, CancellationToken cancellationToken) =>
        apiKeyId is { } id ? await db.ApiKeys.AsNoTracking().Where(k => k.Id == id).Select(k => k.Prefix).FirstOrDefaultAsync(cancellationToken) : null;

    private async Task<string?> WithoutEmailAsync(string? filter, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(filter)) return null;
        var text = filter.Trim();
        if (!text.Contains('@', StringComparison.Ordinal)) return text;
        var normalized = normalizer.NormalizeEmail(text);
        return await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken) ?? EmailAddress;
    }
}
