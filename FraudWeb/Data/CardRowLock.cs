using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Data;

/// <summary>
/// A card's row held for a change that must not lose to the card's own payments: a holder's stop and staff's block.
/// Read and saved unheld, a payment committed in between changed the balance (a concurrency token), so the save failed
/// and was tried again, three times at most: a card being spent from quickly (a thief's spree) could not be reported
/// lost. Held, the payment writer waits for the change (PostgreSQL: it locks the same rows; SQLite: EF Core's write
/// transaction is IMMEDIATE, the database's one write lock) and then reads the stopped card.
/// </summary>
internal static class CardRowLock
{
    /// <summary>Inside the caller's transaction, before the card is read: holds its row until the transaction ends.</summary>
    public static async Task HoldAsync(FraudDbContext db, long cardId, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("The card's row is held inside the change's transaction.");
        if (!db.Database.IsNpgsql()) return;
        await db.Database.SqlQuery<int>($"""SELECT 1 AS "Value" FROM "Cards" WHERE "Id" = {cardId} FOR UPDATE""").ToListAsync(cancellationToken);
    }
}
