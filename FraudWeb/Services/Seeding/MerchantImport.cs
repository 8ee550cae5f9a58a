using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.IO;
using FraudWeb.Services.Admin;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Seeding;

/// <summary>What an import did: merchants added, and rows that named one already there (or earlier in the file).</summary>
public sealed record MerchantImportSummary(int Added, int AlreadyThere);

/// <summary>
/// An installation's own merchants (Seed:Enabled false seeds none): added once each, so the same file can be imported
/// again after it grows. A merchant is its name and category; nothing is changed or removed (payments refer to them).
/// </summary>
public sealed class MerchantImport(FraudDbContext db, AuditLog audit)
{
    /// <param name="source">Where the rows came from (the file's name), for the audit entry.</param>
    public async Task<MerchantImportSummary> ImportAsync(IReadOnlyList<MerchantRow> rows, string source, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var known = (await db.Terminals.AsNoTracking().Select(t => new { t.Name, t.Category }).ToListAsync(cancellationToken))
            .Select(t => (t.Name, t.Category)).ToHashSet();
        var added = 0;
        foreach (var row in rows)
        {
            if (!known.Add((row.Name, row.Category))) continue;
            // Imported merchants have no place on the simulator's grid.
            db.Terminals.Add(Terminal.Create(row.Name, row.Category, 0, 0));
            added++;
        }
        var summary = new MerchantImportSummary(added, rows.Count - added);
        await audit.AppendAsync(actor, AuditActions.MerchantsImport, "merchants", source, null, summary, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return summary;
    }
}
