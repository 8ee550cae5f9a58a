using System.Linq.Expressions;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Data.Configurations;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Services.Paging;
using FraudWeb.Services.Scoring;
using FraudWeb.Services.Transactions;
using LinqKit;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Api;

/// <summary>The API's views of payments (what the view-model builders are to pages): the caller's own only.</summary>
public sealed class PaymentResources(FraudDbContext db)
{
    /// <summary>The API's name for a decline over the available credit (a 422 when it is the answer to a payment).</summary>
    public const string InsufficientCreditReason = "insufficient-credit";

    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    /// <summary>The caller's payment, or null (another holder's id looks the same as a missing one).</summary>
    public async Task<PaymentResource?> FindAsync(string userId, long id, CancellationToken cancellationToken)
    {
        var row = await FindQuery(db, id, userId, cancellationToken);
        return row is null ? null : ToResource(row);
    }

    /// <summary>
    /// A payment just recorded, from what the writer committed (its card with the balance the commit left) and the
    /// merchant the submission found: the same resource <see cref="FindAsync"/> reads (ApiPaymentTests), without the
    /// read that cost a sixth of an API payment's CPU (bench/README.md, issue 17). Null for a replay.
    /// </summary>
    public static PaymentResource? Recorded(RecordedPayment recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (recorded is not { Payment: { Card: { } card, Verdict: not null } payment, MerchantName: { } merchant }) return null;
        return ToResource(new Row(payment.Id, payment.CardId, card.Brand, card.Last4, card.CreditLimit, card.Balance, card.StoppedAs, payment.TerminalId, merchant,
            payment.Amount, payment.TimestampUtc, payment.Verdict, payment.Status, payment.Label, payment.SettlementReason, payment.RefundedUtc == null && payment.WasCharged));
    }

    // Compiled, and prepared on SQLite: replays are answered with this read (perf: 12% of its CPU as LINQ).
    private static readonly Func<FraudDbContext, long, string, CancellationToken, Task<Row?>> FindQuery =
        EF.CompileAsyncQuery((FraudDbContext db, long id, string userId, CancellationToken cancellationToken) =>
            db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag)
                .Where(t => t.Id == id && OwnershipQueries.TransactionOwnedBy.Invoke(t, userId))
                .Select(t => RowOf.Invoke(t))
                .FirstOrDefault());

    /// <summary>
    /// The caller's submitted payments, newest first (by id), after the cursor's payment. A page is read from a row
    /// (keyset) through the card/id index (<see cref="CardTransactionConfiguration.ScoredIndexFilter"/>), never the
    /// whole history: each card's newest page-and-one-row under the cursor bounds where the page can start (a page of
    /// the holder is among the newest of each card), so the page reads about a page of index entries per card and a
    /// page of rows, whatever the history's length (the sort of the whole history took 47-63 ms at 7,500 payments).
    /// </summary>
    public async Task<PaymentPage> ListAsync(string userId, long? cardId, DateTime? fromUtc, DateTime? toUtc, long? afterId, int limit, CancellationToken cancellationToken)
    {
        var ids = PageIds(userId, cardId, fromUtc, toUtc, afterId, limit + 1);
        var rows = await Rows(db.Transactions.AsNoTracking().Where(t => ids.Contains(t.Id)).OrderByDescending(t => t.Id)).ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(ToResource).ToList();
        return new PaymentPage(items, rows.Count > limit ? EncodeCursor(items[^1].Id) : null);
    }

    /// <summary>The ids of a page (<paramref name="count"/> rows), from the index alone.</summary>
    internal IQueryable<long> PageIds(string userId, long? cardId, DateTime? fromUtc, DateTime? toUtc, long? afterId, int count)
    {
        var listed = Listed(cardId, fromUtc, toUtc, afterId);
        var cards = db.Cards.OwnedBy(userId);
        if (cardId is { } card) cards = cards.Where(c => c.Id == card);
        // The largest of the cards' count-th ids: that card alone has count payments from it on, so the page is
        // among them and the others' no older; null when no card has that many (each card then has less than a page).
        return db.Transactions.OwnedBy(userId).Where(t => listed.Invoke(t))
            .Where(t => t.Id >= (cards.Max(c => db.Transactions.Where(p => p.CardId == c.Id && listed.Invoke(p))
                .OrderByDescending(p => p.Id).Skip(count - 1).Select(p => (long?)p.Id).FirstOrDefault()) ?? 0))
            .OrderByDescending(t => t.Id).Take(count).Select(t => t.Id);
    }

    /// <summary>The list's conditions on a payment: submitted (scored), the filters, under the cursor.</summary>
    private static Expression<Func<CardTransaction, bool>> Listed(long? cardId, DateTime? fromUtc, DateTime? toUtc, long? afterId)
    {
        // A verdict is written whole: its decision alone says the payment was scored, in the index's own words (ScoredIndexFilter).
        var listed = PredicateBuilder.New<CardTransaction>(t => ((Decision?)t.Verdict!.Decision).HasValue);
        if (cardId is { } card) listed = listed.And(t => t.CardId == card);
        if (fromUtc is { } from) listed = listed.And(t => t.TimestampUtc >= from);
        if (toUtc is { } to) listed = listed.And(t => t.TimestampUtc < to);
        if (afterId is { } after) listed = listed.And(t => t.Id < after);
        return listed;
    }

    /// <summary>An opaque cursor: clients pass it back unchanged (the app's one cursor format, <see cref="PageCursor"/>).</summary>
    public static string EncodeCursor(long lastId) => PageCursor.Encode(CursorKind, lastId);

    public static long? DecodeCursor(string cursor) => PageCursor.Decode(cursor) is (CursorKind, [var id]) ? id : null;

    private const string CursorKind = "p";

    /// <summary>The scorer's reasons with their numbers: for staff (predict) only.</summary>
    public static IReadOnlyList<ReasonResource> ScoredReasons(IEnumerable<VerdictReason> reasons) =>
        reasons.Select(r => new ReasonResource(r.Feature, r.Value, r.Contribution, Direction(r.Contribution), r.Text)).ToList();

    /// <summary>The feature name of the one reason a rule-decided payment gives.</summary>
    public const string RuleFeature = "rule";

    /// <summary>
    /// A payment's reasons as its holder reads them on the payment's page: in words, and for a verdict a fraud-team
    /// rule decided only that a rule decided (never which, nor the model's reasons, which did not decide); for one the
    /// card's credit declined, none.
    /// </summary>
    public static IReadOnlyList<PaymentReasonResource> HolderReasons(Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (verdict.DecidedBy is not null)
            return [new PaymentReasonResource(RuleFeature, verdict.Decision == Decision.Approved ? "lowers" : "raises", RuleDecidedText)];
        // The card's credit declined it, not the model: its reasons are no why, and the page shows none either.
        if (verdict.DeclineReason == DeclineReasons.InsufficientCredit) return [];
        return TransactionScorer.ReadReasons(verdict.ReasonsJson).Select(r => new PaymentReasonResource(r.Feature, Direction(r.Contribution), r.Text)).ToList();
    }

    /// <summary>The payment page's sentence for a rule-decided verdict (Components/VerdictPanel.razor).</summary>
    public const string RuleDecidedText = "A rule our fraud team sets for payments like this one decided this verdict.";

    private static string Direction(double contribution) => contribution >= 0 ? "raises" : "lowers";

    public static string Name(Decision decision) => JsonNamingPolicy.KebabCaseLower.ConvertName(decision.ToString());

    public static string Name(PaymentStatus status) => JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    public static string? DeclineCode(string? reason) => reason switch
    {
        null => null,
        DeclineReasons.HighRisk => "high-risk",
        DeclineReasons.InsufficientCredit => InsufficientCreditReason,
        DeclineReasons.ConfirmedFraud => "confirmed-fraud",
        DeclineReasons.CardExpired => "card-expired",
        DeclineReasons.AccountClosed => "account-closed",
        DeclineReasons.ClearedAfterDecline => "cleared-after-decline",
        DeclineReasons.CardRemoved => "card-removed",
        DeclineReasons.CardLostOrStolen => "card-lost-or-stolen",
        DeclineReasons.CardBlocked => "card-blocked",
        _ => "other",
    };

    private sealed record Row(long Id, long CardId, CardBrand Brand, string Last4, decimal CreditLimit, decimal Balance, CardStop? CardStoppedAs, long TerminalId, string Merchant,
        decimal Amount, DateTime TimestampUtc, Verdict? Verdict, PaymentStatus Status, FraudLabel Label, string? SettlementReason, bool Charged);

    private static IQueryable<Row> Rows(IQueryable<CardTransaction> query) => query.Select(t => RowOf.Invoke(t));

    private static readonly Expression<Func<CardTransaction, Row>> RowOf = t => new Row(t.Id, t.CardId, t.Card!.Brand, t.Card.Last4, t.Card.CreditLimit, t.Card.Balance, t.Card.StoppedAs, t.TerminalId, t.Terminal!.Name,
            t.Amount, t.TimestampUtc, t.Verdict, PaymentStatusRule.Expression.Invoke(t), t.Label, t.SettlementReason,
            t.RefundedUtc == null && (t.Verdict!.Decision == Decision.Approved || t.Settlement == ReviewSettlement.Charged));

    private static PaymentResource ToResource(Row row)
    {
        var verdict = row.Verdict!;
        // What the payment's page says (VerdictPanel): a decline an upheld "this was me" cleared says so.
        var declineMessage = DeclineReasons.Shown(row.Status, row.Label, row.SettlementReason, verdict.DeclineReason);
        return new PaymentResource(row.Id, row.CardId, CardNumber.Mask(row.Brand, row.Last4), row.TerminalId, row.Merchant,
            ApiMoney.Format(row.Amount), ApiMoney.Currency, row.TimestampUtc, Name(verdict.Decision), Name(row.Status),
            DeclineCode(declineMessage), declineMessage, verdict.ModelVersion, HolderReasons(verdict),
            // A stopped card has no credit to spend (CardResources): the payment says the same as its card.
            new BalanceEffectResource(ApiMoney.Format(row.Charged ? row.Amount : 0m), row.CardStoppedAs is null ? ApiMoney.Format(row.CreditLimit - row.Balance) : null),
            new PaymentLinks($"/api/v1/payments/{row.Id}", $"/api/v1/payments/{row.Id}/reports"));
    }
}
