using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Admin;

/// <summary>
/// Reads of the audit log (PCI DSS 10.2.1.3) and refused attempts (10.2.1.4: refused by authorization, or another person's id answered 404), audited. Entries keep no personal data
/// (ADR 0004): an email typed into a filter is kept as the id of the account with that address.
/// </summary>
public sealed class AccessAuditService(FraudDbContext db, AuditLog audit, ILookupNormalizer normalizer)
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
    /// Whose account the <paramref name="record"/> with <paramref name="id"/> is, when it is a person's other than
    /// <paramref name="actorId"/>; null when there is no such record, it is the actor's own, or its holder is simulated
    /// or erased (no person to name).
    /// </summary>
    public async Task<string?> OtherOwnerAsync(string actorId, OwnedRecord record, long id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        var owner = record switch
        {
            OwnedRecord.Card => await db.Cards.AsNoTracking().OwnersOfCard(id).FirstOrDefaultAsync(cancellationToken),
            OwnedRecord.Payment => await db.Transactions.AsNoTracking().OwnersOfPayment(id).FirstOrDefaultAsync(cancellationToken),
            OwnedRecord.ApiKey => await db.ApiKeys.AsNoTracking().Where(k => k.Id == id).Select(k => k.OwnerId).FirstOrDefaultAsync(cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(record), record, "Not a kind of owned record."),
        };
        return owner is null || owner == actorId ? null : owner;
    }

    /// <summary>
    /// A user (or an API key acting for one) was answered 404 for <paramref name="id"/>, another person's
    /// <paramref name="record"/> (<see cref="OtherOwnerAsync"/> named its <paramref name="owner"/>): recorded as a refusal
    /// with the id under its kind's name (the path holds it for /Cards/Details/{id}, not for a form's or a body's).
    /// </summary>
    /// <param name="trace">The request's trace and span (<see cref="AuditTraceInterceptor.CurrentTrace"/>), as it is written after the request.</param>
    public async Task RecordOthersRecordAsync(string actorId, OwnedRecord record, long id, string owner, string method, string path, long? apiKeyId, string? trace,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var target = CardNumber.Redact(string.IsNullOrEmpty(path) ? "/" : path);
        var key = await KeyPrefixAsync(apiKeyId, cancellationToken);
        // Anonymous shapes, one per kind: the audit page's field names are read from them (RecordedFieldTests).
        object after = (record, key) switch
        {
            (OwnedRecord.Card, null) => new { Method = method, CardId = id, Owner = owner },
            (OwnedRecord.Card, _) => new { Method = method, CardId = id, Owner = owner, Key = key },
            (OwnedRecord.Payment, null) => new { Method = method, PaymentId = id, Owner = owner },
            (OwnedRecord.Payment, _) => new { Method = method, PaymentId = id, Owner = owner, Key = key },
            (OwnedRecord.ApiKey, null) => new { Method = method, KeyId = id, Owner = owner },
            (OwnedRecord.ApiKey, _) => new { Method = method, KeyId = id, Owner = owner, Key = key },
            _ => throw new ArgumentOutOfRangeException(nameof(record), record, "Not a kind of owned record."),
        };
        await audit.AppendAsync(actorId, AuditActions.AccessRefused, PageTarget, target[..Math.Min(target.Length, 450)], null, after, cancellationToken);
        if (trace is not null) AuditTraceInterceptor.Stamp(db, trace);
        await db.SaveChangesAsync(cancellationToken);
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
