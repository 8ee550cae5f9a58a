using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;
using FraudWeb.ViewModels.Common;
using FraudWeb.ViewModels.Transactions;
using LinqKit;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The payment form and a payment's verdict page, for the signed-in holder's own cards only.</summary>
public sealed class TransactionViewModelBuilder(FraudDbContext db)
{
    /// <summary>Whether the card is the caller's (a foreign or unknown card id is answered with 404).</summary>
    public Task<bool> OwnsCardAsync(string userId, long cardId, CancellationToken cancellationToken) =>
        db.Cards.OwnedBy(userId).AnyAsync(c => c.Id == cardId, cancellationToken);

    /// <summary>Payments looked at for the holder's recent merchants: bounded, however long the history.</summary>
    private const int RecentPayments = 50;
    private const int RecentMerchants = 10;

    /// <summary>The form with the caller's cards and the merchants to choose from, keeping what was posted.</summary>
    public async Task<NewTransactionViewModel> FormAsync(string userId, NewTransactionViewModel? posted, CancellationToken cancellationToken)
    {
        var model = posted ?? new NewTransactionViewModel();
        // Only cards that take payments: a removed or lost card stays on the profile with its history, not here.
        var cards = await ProfileViewModelBuilder.CardsAsync(db, userId, cancellationToken);
        model.Cards = cards.FindAll(c => !c.IsStopped);
        // A card the bank blocked is not offered either, but the form says so: the holder may not know yet.
        model.BlockedCards = cards.FindAll(c => c.IsBlocked);
        model.Merchants = await MerchantsAsync(userId, model.MerchantSearch, model.TerminalId, model.Cards.Select(c => c.Id).ToList(), cancellationToken);
        return model;
    }

    /// <summary>
    /// The matches of <paramref name="search"/> (number, name or category), or without one the merchants of the
    /// holder's latest payments, most recent first; the chosen merchant first if it is not among them.
    /// </summary>
    public Task<MerchantChoices> MerchantsAsync(string userId, string? search, long? chosen, CancellationToken cancellationToken) =>
        MerchantsAsync(userId, search, chosen, null, cancellationToken);

    /// <param name="cardIds">The caller's cards when already read (the form reads them); null reads them when needed.</param>
    private async Task<MerchantChoices> MerchantsAsync(string userId, string? search, long? chosen, List<long>? cardIds, CancellationToken cancellationToken)
    {
        var term = search?.Trim() ?? "";
        term = TextLength.Prefix(term, MerchantChoices.MaxSearchLength);
        List<MerchantOption> options;
        var more = false;
        if (term.Length > 0)
        {
            options = await db.Terminals.AsNoTracking().Matching(term, db).OrderBy(t => t.Name).ThenBy(t => t.Id).Take(MerchantChoices.MaxShown + 1)
                .Select(t => new MerchantOption(t.Id, t.Name, t.Category)).ToListAsync(cancellationToken);
            more = options.Count > MerchantChoices.MaxShown;
            if (more) options.RemoveAt(MerchantChoices.MaxShown);
        }
        else
        {
            // Each card's latest payments from its own index, then the latest of all: one statement over the holder's
            // cards sorted their whole history (2,300 payments a card: 5% of the page's CPU reading pages; perf, issue 17).
            cardIds ??= (await ProfileViewModelBuilder.CardsAsync(db, userId, cancellationToken)).ConvertAll(c => c.Id);
            var latest = new List<RecentMerchant>();
            foreach (var cardId in cardIds) latest.AddRange(await ProfileViewModelBuilder.ListAsync(RecentMerchantsQuery(db, userId, cardId), cancellationToken));
            options = latest.OrderByDescending(m => m.TimestampUtc).ThenByDescending(m => m.PaymentId)
                .Select(m => new MerchantOption(m.TerminalId, m.Name, m.Category)).DistinctBy(m => m.Id).Take(RecentMerchants).ToList();
        }
        var matches = options.Count;
        if (chosen is { } id && options.All(o => o.Id != id)
            && await db.Terminals.AsNoTracking().Where(t => t.Id == id).Select(t => new MerchantOption(t.Id, t.Name, t.Category)).FirstOrDefaultAsync(cancellationToken) is { } merchant)
        {
            options.Insert(0, merchant);
        }
        // A card number typed here by mistake is not echoed back whole (PCI DSS 3.4.1); it matches no merchant anyway.
        return new MerchantChoices(term.Length > 0 ? CardNumber.Redact(term) : null, options, more) { Matches = matches };
    }

    /// <summary>The caller's own transaction, or null (another holder's id looks the same as a missing one).</summary>
    public async Task<TransactionResultViewModel?> ResultAsync(string userId, long id, CancellationToken cancellationToken)
    {
        var row = await ResultQuery(db, id, userId, cancellationToken);
        if (row is null) return null;
        return new TransactionResultViewModel
        {
            Id = row.Id,
            TimestampUtc = row.TimestampUtc,
            Card = CardLabel.Mask(row.Brand, row.Last4),
            Merchant = row.Merchant,
            Category = row.Category,
            Amount = row.Amount,
            Decision = row.Verdict?.Decision,
            Status = row.Status,
            DeclineReason = row.Verdict?.DeclineReason,
            // Stored in English with the verdict; shown in the page's language. Not when the card's credit declined
            // it: the model's reasons did not decide that verdict, and beside "over the available credit" they mislead.
            Reasons = row.Verdict?.DeclineReason == DeclineReasons.InsufficientCredit
                ? []
                : TransactionScorer.ReadReasons(row.Verdict?.ReasonsJson).Select(r => ReasonPhrases.Localized(r)).ToList(),
            DecidedByRule = row.Verdict?.DecidedBy is not null,
            // A stopped card (removed, lost or stolen, blocked) takes no payments: no credit is available, as its own page says.
            AvailableCredit = row.CardStopped ? null : row.CreditLimit - row.Balance,
            Settlement = row.Settlement,
            SettlementReason = row.SettlementReason,
            SettledUtc = row.SettledUtc,
            RefundedUtc = row.RefundedUtc,
            RefundReason = row.RefundReason,
            Report = row.Report,
            Label = row.Label,
        };
    }

    private sealed record ResultRow(long Id, DateTime TimestampUtc, CardBrand Brand, string Last4, decimal CreditLimit, decimal Balance, bool CardStopped, string Merchant,
        string Category, decimal Amount, Verdict? Verdict, PaymentStatus Status, ReviewSettlement? Settlement, string? SettlementReason,
        DateTime? SettledUtc, DateTime? RefundedUtc, string? RefundReason, string? Report, FraudLabel Label);

    private sealed record RecentMerchant(DateTime TimestampUtc, long PaymentId, long TerminalId, string Name, string Category);

    /// <summary>
    /// The merchants of a card's latest payments, each once with its latest payment, latest first: the card's index read
    /// backwards, so the same few rows however long its history, and grouped in the statement, so only the ten
    /// merchants' names are read (reading and parsing fifty rows was 10% of the form's CPU; perf, issue 17). Still the
    /// caller's card only (OwnershipQueries).
    /// </summary>
    private static readonly Func<FraudDbContext, string, long, IAsyncEnumerable<RecentMerchant>> RecentMerchantsQuery =
        EF.CompileAsyncQuery((FraudDbContext db, string userId, long cardId) =>
            db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag)
                .Where(t => t.CardId == cardId && OwnershipQueries.TransactionOwnedBy.Invoke(t, userId))
                .OrderByDescending(t => t.TimestampUtc).ThenByDescending(t => t.Id).Take(RecentPayments)
                .GroupBy(t => t.TerminalId)
                .Select(g => new { TerminalId = g.Key, TimestampUtc = g.Max(t => t.TimestampUtc), PaymentId = g.Max(t => t.Id) })
                .OrderByDescending(m => m.TimestampUtc).ThenByDescending(m => m.PaymentId).Take(RecentMerchants)
                .Join(db.Terminals, m => m.TerminalId, terminal => terminal.Id,
                    (m, terminal) => new RecentMerchant(m.TimestampUtc, m.PaymentId, m.TerminalId, terminal.Name, terminal.Category)));

    // Compiled: EF Core's cache lookup for this projection (hashing and comparing its expression tree) was 16% of the
    // page's CPU (perf, issue 17).
    private static readonly Func<FraudDbContext, long, string, CancellationToken, Task<ResultRow?>> ResultQuery =
        EF.CompileAsyncQuery((FraudDbContext db, long id, string userId, CancellationToken cancellationToken) =>
            db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag)
                .Where(t => t.Id == id && OwnershipQueries.TransactionOwnedBy.Invoke(t, userId))
                .Select(t => new ResultRow(
                    t.Id, t.TimestampUtc, t.Card!.Brand, t.Card.Last4, t.Card.CreditLimit, t.Card.Balance, t.Card.StoppedAs != null,
                    t.Terminal!.Name, t.Terminal.Category, t.Amount, t.Verdict, PaymentStatusRule.Expression.Invoke(t),
                    t.Settlement, t.SettlementReason, t.SettledUtc, t.RefundedUtc, t.RefundReason,
                    db.FraudReports.Where(r => r.TransactionId == t.Id).OrderByDescending(r => r.Id)
                        .Select(r => r.Kind.ToString() + ": " + r.Status.ToString()).FirstOrDefault(),
                    t.Label))
                .FirstOrDefault());
}
