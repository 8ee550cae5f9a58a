using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Transactions;

/// <summary>Submitting payments on the signed-in holder's own cards.</summary>
public sealed class TransactionService(FraudDbContext db, TransactionScorer scorer, PaymentRecorder recorder, TimeProvider clock)
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
        // One connection for the payment's reads (the card, the merchant, the features): opening a pooled connection
        // per query was 11% of a payment's time under load.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var found = await db.Cards.AsNoTracking().OwnedBy(userId).Where(c => c.Id == cardId)
                .Select(c => new { Card = c, KnownTerminal = db.Terminals.Any(t => t.Id == terminalId) })
                .FirstOrDefaultAsync(cancellationToken);
            if (found is null) return Result.Fail<long>(ErrorCode.NotFound, "This card does not exist.");
            if (!found.KnownTerminal) return Result.Fail<long>(ErrorCode.Invalid, "Choose a merchant from the list.", Fields.Terminal);
            return await SubmitAsync(found.Card, terminalId, amount, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The same for a card already checked to be the caller's (and a known terminal).</summary>
    public async Task<Result<long>> SubmitAsync(Card card, long terminalId, decimal amount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            if (card.IsExpired(now)) throw new DomainException("This card has expired.");
            var verdict = await scorer.ScoreAsync(card, terminalId, amount, now, cancellationToken);
            var transaction = await recorder.RecordAsync(new PaymentToRecord(card.Id, terminalId, amount, now, verdict), cancellationToken);
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
