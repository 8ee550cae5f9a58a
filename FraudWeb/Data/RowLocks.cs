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
    /// An account's row, before anything else its erasure holds (docs/decisions/0032). A decision by that account holds
    /// it first too (<see cref="DeciderNameAsync"/>), and a profile save that changes the phone number writes it before
    /// the holder's row (EF Core writes the tables in name order): held later, after the holder, the erasure deadlocked
    /// with such a save, and a decision committed meanwhile kept the erased name on its label.
    /// </summary>
    public static Task HoldAccountAsync(FraudDbContext db, string userId, CancellationToken cancellationToken) =>
        HoldAsync(db, $"""SELECT 1 AS "Value" FROM "AspNetUsers" WHERE "Id" = {userId} FOR UPDATE""", cancellationToken);

    /// <summary>
    /// The acting analyst's sign-in name, read inside a decision's or an assignment's transaction with their account held
    /// against its erasure until it commits (KEY SHARE: their own sign-ins, which update the row, still go on); null when
    /// the account is gone. Read before the transaction, an erasure committed in between left the erased name on the
    /// label; taken after the payment (as the assignment's foreign key to the account is checked), it deadlocked with the erasure.
    /// </summary>
    public static async Task<string?> DeciderNameAsync(FraudDbContext db, string userId, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A row is held inside the change's transaction.");
        if (!db.Database.IsNpgsql()) return await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken);
        var names = await db.Database.SqlQuery<string?>($"""SELECT "UserName" AS "Value" FROM "AspNetUsers" WHERE "Id" = {userId} FOR KEY SHARE""")
            .ToListAsync(cancellationToken);
        return names.FirstOrDefault();
    }

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

    /// <summary>
    /// A holder's fraud reports in id order, before an erasure rewrites their texts: an analyst's change of address
    /// renames the reports they decided in one statement too, and two statements taking the same rows in their own
    /// scan orders can deadlock (one of them answered "try again"). Both take them in id order (<see cref="HoldReportsDecidedByAsync"/>).
    /// </summary>
    public static Task HoldReportsOfHolderAsync(FraudDbContext db, long holderId, CancellationToken cancellationToken) =>
        HoldAsync(db, $"""
            SELECT 1 AS "Value" FROM "FraudReports" WHERE "CardId" IN (SELECT "Id" FROM "Cards" WHERE "CardHolderId" = {holderId})
            ORDER BY "Id" FOR UPDATE
            """, cancellationToken);

    /// <summary>The reports decided under a sign-in name, in id order, before they are renamed (<see cref="HoldReportsOfHolderAsync"/>).</summary>
    public static Task HoldReportsDecidedByAsync(FraudDbContext db, string name, CancellationToken cancellationToken) =>
        HoldAsync(db, $"""SELECT 1 AS "Value" FROM "FraudReports" WHERE "DecidedBy" = {name} ORDER BY "Id" FOR UPDATE""", cancellationToken);

    private static async Task HoldAsync(FraudDbContext db, FormattableString forUpdate, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A row is held inside the change's transaction.");
        if (!db.Database.IsNpgsql()) return;
        await db.Database.SqlQuery<int>(forUpdate).ToListAsync(cancellationToken);
    }
}
