using System.Linq.Expressions;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Seeding;

/// <summary>
/// Free text kept from before security codes were masked at write time (PCI DSS 3.3.1): a report's reason, a list
/// entry's reasons or a card's block note written "cvv 737" kept the code. Masked once at start as <see cref="CardNumber.Redact"/> masks new
/// text. Only rows that name a code are read (a filter in the database; nothing to do is one read that finds nothing),
/// and each is rewritten only if it still holds what was read, so instances starting together, or a holder's erasure
/// meanwhile, lose nothing. Run again it finds nothing more to change. On SQLite the old text is also wiped from the
/// file's free space and its log, as <see cref="Infrastructure.Security.SecondFactorSecrets.ProtectStoredAsync"/> does.
/// </summary>
public static class StoredFreeTextMasking
{
    /// <summary>
    /// Parts of the names <see cref="SecurityCode"/> reads a code after, lower case: a row whose text holds none of
    /// them holds no code ("security code", "card code" and "verification code" all hold "code").
    /// </summary>
    private static readonly string[] NameParts = ["cvv", "cvc", "cvn", "cav2", "cid", "csc", "code", "verification", "安全码", "验证码", "校验码", "检验码"];

    /// <summary>Masks what needs it; the number of rows changed.</summary>
    public static async Task<int> MaskStoredAsync(FraudDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var reports = await db.FraudReports.AsNoTracking().Where(Naming<FraudReport>(r => r.Reason)).Select(r => new { r.Id, r.Reason }).ToListAsync(cancellationToken);
        var added = await db.RuleListEntries.AsNoTracking().Where(Naming<RuleListEntry>(e => e.AddedReason)).Select(e => new { e.Id, e.AddedReason }).ToListAsync(cancellationToken);
        var removed = await db.RuleListEntries.AsNoTracking().Where(Naming<RuleListEntry>(e => e.RemovedReason!)).Select(e => new { e.Id, e.RemovedReason }).ToListAsync(cancellationToken);
        // Block notes refuse codes today; one written before that is masked as a reason is.
        var notes = await db.Cards.AsNoTracking().Where(c => c.BlockNote != null).Where(Naming<Card>(c => c.BlockNote!)).Select(c => new { c.Id, c.BlockNote }).ToListAsync(cancellationToken);
        var changes = reports.Select(r => (Kind: 0, r.Id, Old: r.Reason, New: Masked(r.Reason, FraudReport.ReasonMaxLength)))
            .Concat(added.Select(e => (Kind: 1, e.Id, Old: e.AddedReason, New: Masked(e.AddedReason, RuleList.ReasonMaxLength))))
            .Concat(removed.Select(e => (Kind: 2, e.Id, Old: e.RemovedReason!, New: Masked(e.RemovedReason!, RuleList.ReasonMaxLength))))
            .Concat(notes.Select(c => (Kind: 3, c.Id, Old: c.BlockNote!, New: Masked(c.BlockNote!, Card.BlockNoteMaxLength))))
            .Where(c => !string.Equals(c.Old, c.New, StringComparison.Ordinal))
            .ToList();
        if (changes.Count == 0) return 0;
        var sqlite = db.Database.IsSqlite();
        if (sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete=ON;", cancellationToken);
        }
        var changed = 0;
        try
        {
            foreach (var (kind, id, old, masked) in changes)
            {
                changed += kind switch
                {
                    0 => await db.FraudReports.Where(r => r.Id == id && r.Reason == old).ExecuteUpdateAsync(s => s.SetProperty(r => r.Reason, masked), cancellationToken),
                    1 => await db.RuleListEntries.Where(e => e.Id == id && e.AddedReason == old).ExecuteUpdateAsync(s => s.SetProperty(e => e.AddedReason, masked), cancellationToken),
                    2 => await db.RuleListEntries.Where(e => e.Id == id && e.RemovedReason == old).ExecuteUpdateAsync(s => s.SetProperty(e => e.RemovedReason, masked), cancellationToken),
                    _ => await db.Cards.Where(c => c.Id == id && c.BlockNote == old).ExecuteUpdateAsync(s => s.SetProperty(c => c.BlockNote, masked), cancellationToken),
                };
            }
            if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        }
        finally
        {
            if (sqlite)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete=FAST;", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
        return changed;
    }

    /// <summary>As written today; never longer than its column (a card number's mask can be longer than the number: then the codes only).</summary>
    private static string Masked(string text, int maxLength)
    {
        var masked = CardNumber.Redact(text);
        return masked.Length <= maxLength ? masked : SecurityCode.Redact(text);
    }

    /// <summary>The text holds one of <see cref="NameParts"/>, any case: <c>lower(x) LIKE '%cvv%' OR ...</c> on both providers.</summary>
    private static Expression<Func<T, bool>> Naming<T>(Expression<Func<T, string>> text)
    {
        var lower = Expression.Call(text.Body, typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!);
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        Expression any = Expression.Call(lower, contains, Expression.Constant(NameParts[0]));
        foreach (var part in NameParts.Skip(1)) any = Expression.OrElse(any, Expression.Call(lower, contains, Expression.Constant(part)));
        return Expression.Lambda<Func<T, bool>>(Expression.AndAlso(Expression.NotEqual(text.Body, Expression.Constant(null, typeof(string))), any), text.Parameters);
    }
}
