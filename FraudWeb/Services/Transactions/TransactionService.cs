using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;
using FraudWeb.ViewModels.Profile;
using FraudWeb.ViewModels.Transactions;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Transactions;

/// <summary>Outcome of a submission: the new transaction's id, or a message for the form.</summary>
public sealed record SubmitOutcome(long? TransactionId, Result Result, bool ScorerUnavailable = false, bool NotFound = false);

/// <summary>Submitting payments on the signed-in holder's own cards and reading their verdicts.</summary>
public sealed class TransactionService(FraudDbContext db, TransactionScorer scorer)
{
    /// <summary>Whether the card is the caller's (a foreign or unknown card id is answered with 404).</summary>
    public Task<bool> OwnsCardAsync(string userId, long cardId, CancellationToken cancellationToken) =>
        db.Cards.AnyAsync(c => c.Id == cardId && c.CardHolder!.UserId == userId, cancellationToken);

    public async Task<NewTransactionViewModel> NewFormAsync(string userId, NewTransactionViewModel? posted, CancellationToken cancellationToken)
    {
        var model = posted ?? new NewTransactionViewModel();
        var cards = await db.Cards.AsNoTracking().Where(c => c.CardHolder!.UserId == userId).OrderBy(c => c.AddedUtc).ToListAsync(cancellationToken);
        model.Cards = cards.ConvertAll(c => new CardSummaryViewModel(c.Id, c.Brand.DisplayName(), c.Last4, c.ExpiryText, c.CardholderName,
            c.CreditLimit, c.Balance, c.AvailableCredit));
        model.Merchants = await db.Terminals.AsNoTracking().OrderBy(t => t.Category).ThenBy(t => t.Name)
            .Select(t => new MerchantOption(t.Id, t.Name, t.Category)).ToListAsync(cancellationToken);
        return model;
    }

    public async Task<SubmitOutcome> SubmitAsync(string userId, NewTransactionViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var card = await db.Cards.FirstOrDefaultAsync(c => c.Id == model.CardId && c.CardHolder!.UserId == userId, cancellationToken);
        if (card is null) return new SubmitOutcome(null, Result.Ok, NotFound: true);
        var terminal = await db.Terminals.AsNoTracking().FirstOrDefaultAsync(t => t.Id == model.TerminalId, cancellationToken);
        if (terminal is null) return new SubmitOutcome(null, Result.Fail(ErrorCode.Invalid, "Choose a merchant from the list.", nameof(model.TerminalId)));
        try
        {
            var transaction = await scorer.ScoreAndRecordAsync(card, terminal, model.Amount!.Value, cancellationToken);
            return new SubmitOutcome(transaction.Id, Result.Ok);
        }
        catch (DomainException ex)
        {
            return new SubmitOutcome(null, Result.Fail(ErrorCode.Invalid, ex.Message));
        }
        catch (ScorerUnavailableException ex)
        {
            return new SubmitOutcome(null, Result.Fail(ErrorCode.Invalid, ex.Message), ScorerUnavailable: true);
        }
    }

    /// <summary>The caller's own transaction, or null (another holder's id looks the same as a missing one).</summary>
    public async Task<TransactionResultViewModel?> GetResultAsync(string userId, long id, CancellationToken cancellationToken)
    {
        var row = await db.Transactions.AsNoTracking()
            .Where(t => t.Id == id && t.Card!.CardHolder!.UserId == userId)
            .Select(t => new
            {
                t.Id, t.TimestampUtc, t.Card!.Brand, t.Card.Last4, t.Card.CreditLimit, t.Card.Balance,
                Merchant = t.Terminal!.Name, t.Terminal.Category, t.Amount, t.Verdict, t.Settlement, t.SettlementReason, t.SettledUtc, t.RefundedUtc, t.RefundReason,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null) return null;
        return new TransactionResultViewModel
        {
            Id = row.Id,
            TimestampUtc = row.TimestampUtc,
            Card = CardNumber.Mask(row.Brand, row.Last4),
            Merchant = row.Merchant,
            Category = row.Category,
            Amount = row.Amount,
            Decision = row.Verdict?.Decision,
            RiskScore = row.Verdict?.RiskScore,
            ModelVersion = row.Verdict?.ModelVersion,
            DeclineReason = row.Verdict?.DeclineReason,
            ScoringMilliseconds = row.Verdict?.ScoringMilliseconds,
            Reasons = TransactionScorer.ReadReasons(row.Verdict?.ReasonsJson),
            AvailableCredit = row.CreditLimit - row.Balance,
            Settlement = row.Settlement,
            SettlementReason = row.SettlementReason,
            SettledUtc = row.SettledUtc,
            RefundedUtc = row.RefundedUtc,
            RefundReason = row.RefundReason,
        };
    }
}
