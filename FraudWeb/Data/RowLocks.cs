using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Data;

/// <summary>
/// Rows held, inside the caller's transaction and before they are read, for changes that must not interleave with
/// others on the same card or payment. On PostgreSQL a row lock (the later change waits, then reads what the first
/// left); on SQLite nothing more is needed: EF Core's write transaction is IMMEDIATE, the database's one write lock.
/// </summary>
internal static class RowLocks
{
    /// <summary>
    /// A card, for a holder's stop and staff's block and review decisions. Read and saved unheld, a payment committed in
    /// between changed the balance (a concurrency token), so the save failed and was tried again, three times at most:
    /// a card being spent from quickly (a thief's spree) could not be reported lost. Held, the payment writer (which
    /// locks the same rows) waits for the change and then reads the stopped card; an account's erasure, which renames
    /// its cards, waits too, or is seen.
    /// </summary>
    public static Task HoldCardAsync(FraudDbContext db, long cardId, CancellationToken cancellationToken) =>
        HoldAsync(db, $"""SELECT 1 AS "Value" FROM "Cards" WHERE "Id" = {cardId} FOR UPDATE""", cancellationToken);

    /// <summary>
    /// A payment, for the review queue's assignments and decisions: checked and saved unheld, an assignment could be
    /// added to a payment another analyst had just decided (left on it, a later report waited on that analyst's name).
    /// </summary>
    public static Task HoldPaymentAsync(FraudDbContext db, long transactionId, CancellationToken cancellationToken) =>
        HoldAsync(db, $"""SELECT 1 AS "Value" FROM "Transactions" WHERE "Id" = {transactionId} FOR UPDATE""", cancellationToken);

    /// <summary>
    /// What an account's erasure writes that others hold too, in their order (docs/decisions/0032): the payments the
    /// person was assigned or labelled (a decision holds a payment before its card, and deletes the payment's
    /// assignment), then their cards in id order (as the payment writer, which then writes API keys' last use, as the
    /// erasure's revocation does). Taken unheld, the erasure deleted an assignment a decision was waiting to delete while
    /// that decision held the payment the erasure then renamed: a deadlock, one of them answered "try again".
    /// </summary>
    public static async Task HoldForErasureAsync(FraudDbContext db, string userId, string? userName, CancellationToken cancellationToken)
    {
        await HoldAsync(db, $"""
            SELECT 1 AS "Value" FROM "Transactions"
            WHERE "Id" IN (SELECT "TransactionId" FROM "ReviewAssignments" WHERE "AssigneeId" = {userId}) OR "LabelledBy" = {userName ?? ""}
            ORDER BY "Id" FOR UPDATE
            """, cancellationToken);
        await HoldAsync(db, $"""
            SELECT 1 AS "Value" FROM "Cards" WHERE "CardHolderId" IN (SELECT "Id" FROM "CardHolders" WHERE "UserId" = {userId})
            ORDER BY "Id" FOR UPDATE
            """, cancellationToken);
    }

    private static async Task HoldAsync(FraudDbContext db, FormattableString forUpdate, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A row is held inside the change's transaction.");
        if (!db.Database.IsNpgsql()) return;
        await db.Database.SqlQuery<int>(forUpdate).ToListAsync(cancellationToken);
    }
}
