using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Transactions;

/// <summary>Submitting payments on the signed-in holder's own cards.</summary>
public sealed class TransactionService(FraudDbContext db, TransactionScorer scorer)
{
    /// <summary>The inputs errors can point at; the form uses the same names.</summary>
    public static class Fields
    {
        public const string Terminal = "TerminalId";
    }

    /// <summary>
    /// Scores and records the payment; the new transaction's id, or NotFound (not the caller's card), Invalid (a rule
    /// refused it) or Unavailable (no model is serving).
    /// </summary>
    public async Task<Result<long>> SubmitAsync(string userId, long cardId, long terminalId, decimal amount, CancellationToken cancellationToken)
    {
        var card = await db.Cards.OwnedBy(userId).FirstOrDefaultAsync(c => c.Id == cardId, cancellationToken);
        if (card is null) return Result.Fail<long>(ErrorCode.NotFound, "This card does not exist.");
        var terminal = await db.Terminals.AsNoTracking().FirstOrDefaultAsync(t => t.Id == terminalId, cancellationToken);
        if (terminal is null) return Result.Fail<long>(ErrorCode.Invalid, "Choose a merchant from the list.", Fields.Terminal);
        try
        {
            var transaction = await scorer.ScoreAndRecordAsync(card, terminal, amount, cancellationToken);
            return Result.Success(transaction.Id);
        }
        catch (DomainException ex)
        {
            return Result.Fail<long>(ex.Code == DomainErrorCode.Invalid ? ErrorCode.Invalid : ErrorCode.Conflict, ex.Message);
        }
        catch (ScorerUnavailableException ex)
        {
            return Result.Fail<long>(ErrorCode.Unavailable, ex.Message);
        }
    }
}
