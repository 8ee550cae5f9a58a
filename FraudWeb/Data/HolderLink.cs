using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Data;

/// <summary>
/// A holder's own writes of personal text (a card's name, a report's reason) and the erasure of their account, one at
/// a time (docs/decisions/0024, addendum). Read before the erasure and saved after it, such a write kept the name or
/// the words the erasure had just removed from everything else. Each takes the holder's row inside its transaction: on
/// PostgreSQL the row lock orders them (the later one waits, then reads the row as the first left it); on SQLite the
/// write transaction does.
/// </summary>
internal static class HolderLink
{
    /// <summary>
    /// Inside the caller's transaction: holds the holder's row until the transaction ends, and says whether it is still
    /// the account's (false once its account is erased).
    /// </summary>
    public static async Task<bool> HoldAsync(FraudDbContext db, string userId, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("The holder's row is held inside the write's transaction.");
        // A read, not a write that changes nothing: a bulk statement on the holders makes the payment path forget every
        // card it keeps in memory (MemoryInvalidationInterceptor). SQLite's write transaction (EF Core begins IMMEDIATE)
        // already holds the database's one write lock.
        if (!db.Database.IsNpgsql()) return await db.CardHolders.OwnedBy(userId).AnyAsync(cancellationToken);
        var held = await db.Database.SqlQuery<int>($"""SELECT 1 AS "Value" FROM "CardHolders" WHERE "UserId" = {userId} FOR UPDATE""").ToListAsync(cancellationToken);
        return held.Count > 0;
    }
}
