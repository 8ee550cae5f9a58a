using FraudWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FraudWeb.Services.Rules;

/// <summary>
/// One change at a time to what decides whether a list entry needs a second analyst: an allow rule's conditions and
/// the entries of the lists they read (docs/rules.md, four eyes). Each such change reads the other side inside this
/// transaction; read before it, an entry added as an allow rule was being saved passed on its author's word alone.
/// SQLite's write transaction (EF Core begins IMMEDIATE) already orders them; PostgreSQL's read-committed one does not,
/// so it takes an advisory lock.
/// </summary>
internal static class RulesLock
{
    private const long Key = 0x4677_5275_6c65_73; // "FwRules"

    public static async Task<IDbContextTransaction> BeginAsync(FraudDbContext db, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({Key})", cancellationToken);
        return transaction;
    }
}
