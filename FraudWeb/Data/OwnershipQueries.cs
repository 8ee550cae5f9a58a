using System.Linq.Expressions;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Data;

/// <summary>
/// The one place that says what a user owns: their card holder, its cards and those cards' payments and reports.
/// Every query for a signed-in user's data goes through these (an architecture test checks no query bypasses them).
/// </summary>
public static class OwnershipQueries
{
    public static IQueryable<CardHolder> OwnedBy(this IQueryable<CardHolder> holders, string userId) =>
        holders.Where(h => h.UserId == userId);

    /// <summary>The same test as an expression for compiled queries (LinqKit's <c>Invoke</c> inlines it).</summary>
    public static readonly Expression<Func<CardHolder, string, bool>> HolderOwnedBy = (h, userId) => h.UserId == userId;

    public static IQueryable<Card> OwnedBy(this IQueryable<Card> cards, string userId) =>
        cards.Where(c => c.CardHolder!.UserId == userId);

    /// <summary>The same test as an expression for compiled queries (LinqKit's <c>Invoke</c> inlines it).</summary>
    public static readonly Expression<Func<Card, string, bool>> CardOwnedBy = (c, userId) => c.CardHolder!.UserId == userId;

    public static IQueryable<CardTransaction> OwnedBy(this IQueryable<CardTransaction> transactions, string userId) =>
        transactions.Where(t => t.Card!.CardHolder!.UserId == userId);

    /// <summary>The same test as an expression for compiled queries (LinqKit's <c>Invoke</c> inlines it).</summary>
    public static readonly Expression<Func<CardTransaction, string, bool>> TransactionOwnedBy = (t, userId) => t.Card!.CardHolder!.UserId == userId;

    /// <summary>
    /// The user who owns a card read with its holder (null for a simulated or erased holder's): staff's actions on any
    /// holder's card mail that user, and refuse a staff member's own card (docs/decisions/0028).
    /// </summary>
    public static string? OwnerOf(Card card)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card.CardHolder is null) throw new InvalidOperationException("The card must be read with its holder.");
        return card.CardHolder.UserId;
    }

    /// <summary>
    /// Cards whose holder's account still exists (a simulated holder never had one): an erased holder's cards take no
    /// payments (docs/decisions/0024).
    /// </summary>
    public static IQueryable<Card> OfOpenAccounts(this IQueryable<Card> cards) =>
        cards.Where(c => c.CardHolder!.UserId != null || c.CardHolder.IsSimulated);

    /// <summary>Cards whose holder's account was closed (erased).</summary>
    public static IQueryable<Card> OfClosedAccounts(this IQueryable<Card> cards) =>
        cards.Where(c => c.CardHolder!.UserId == null && !c.CardHolder.IsSimulated);

    /// <summary><see cref="OfOpenAccounts"/> as SQL over a holder's row, for the payment writer's prepared read; <paramref name="column"/> names a holder's column.</summary>
    public static string OpenAccountSql(Func<string, string> column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return $"({column(nameof(CardHolder.UserId))} IS NOT NULL OR {column(nameof(CardHolder.IsSimulated))})";
    }

    /// <summary>Whose account a card is (none: no such card, or a simulated or erased holder's); for auditing a refused id.</summary>
    public static IQueryable<string?> OwnersOfCard(this IQueryable<Card> cards, long id) =>
        cards.Where(c => c.Id == id).Select(c => c.CardHolder!.UserId);

    /// <summary>Whose account a payment is (none: no such payment, or a simulated or erased holder's); for auditing a refused id.</summary>
    public static IQueryable<string?> OwnersOfPayment(this IQueryable<CardTransaction> transactions, long id) =>
        transactions.Where(t => t.Id == id).Select(t => t.Card!.CardHolder!.UserId);

    public static IQueryable<ApiKey> OwnedBy(this IQueryable<ApiKey> keys, string userId) =>
        keys.Where(k => k.OwnerId == userId);
}
