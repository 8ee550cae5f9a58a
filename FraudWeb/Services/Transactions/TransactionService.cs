using FraudWeb.Infrastructure.Database;
using LinqKit;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Transactions;

/// <summary>A payment from the form: recorded (its id), or an amount to confirm first, with nothing recorded.</summary>
public sealed record FormPayment(long PaymentId, AmountToConfirm? ToConfirm)
{
    public bool NeedsConfirmation => ToConfirm is not null;
}

/// <summary>Submitting payments on the signed-in holder's own cards.</summary>
public sealed class TransactionService(FraudDbContext db, TransactionScorer scorer, PaymentFeatures features, PaymentRecorder recorder, TimeProvider clock)
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
        var result = await SubmitAsync(userId, cardId, terminalId, amount, null, cancellationToken);
        return result.Succeeded ? Result.Success(result.Value.PaymentId) : result.As<long>();
    }

    /// <summary>
    /// The payment form's submission: unless <paramref name="confirmed"/>, an amount over the available credit, far
    /// beyond the card's usual payment or large in itself comes back to be confirmed (<see cref="PaymentConfirmation"/>)
    /// and nothing is recorded; otherwise the same as <see cref="SubmitAsync(string, long, long, decimal, CancellationToken)"/>.
    /// </summary>
    public async Task<Result<FormPayment>> SubmitFromFormAsync(string userId, long cardId, long terminalId, decimal amount, bool confirmed, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var card = await OwnedCardAsync(userId, cardId, terminalId, cancellationToken);
            if (!card.Succeeded) return card.As<FormPayment>();
            var result = await RecordAsync(card.Value.Card, card.Value.Merchant, amount, null, askToConfirm: !confirmed, cancellationToken);
            return result.Succeeded ? Result.Success(new FormPayment(result.Value.Recorded?.PaymentId ?? 0, result.Value.ToConfirm)) : result.As<FormPayment>();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The same with an API client's Idempotency-Key: the payment and its key are committed together, and a key that
    /// already recorded a payment returns that payment (<see cref="RecordedPayment.IsReplay"/>) instead of a second one.
    /// </summary>
    public async Task<Result<RecordedPayment>> SubmitAsync(string userId, long cardId, long terminalId, decimal amount, PaymentIdempotency? idempotency, CancellationToken cancellationToken)
    {
        // One connection for the payment's reads (the card, the merchant, the features): opening a pooled connection
        // per query was 11% of a payment's time under load.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // A retry of a recorded payment is answered without scoring it again (the writer checks again, in its commit).
            if (idempotency is not null && await EarlierPaymentAsync(idempotency, cancellationToken) is { } earlier) return Result.Success(earlier);
            var card = await OwnedCardAsync(userId, cardId, terminalId, cancellationToken);
            if (!card.Succeeded) return card.As<RecordedPayment>();
            var result = await RecordAsync(card.Value.Card, card.Value.Merchant, amount, idempotency, askToConfirm: false, cancellationToken);
            return result.Succeeded ? Result.Success(result.Value.Recorded!) : result.As<RecordedPayment>();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Scores a payment the caller might make on their card at <paramref name="atUtc"/> without recording anything:
    /// the same features, model and policy as a submitted payment.
    /// </summary>
    public async Task<Result<Prediction>> PredictAsync(string userId, long cardId, long terminalId, decimal amount, DateTime atUtc, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var card = await OwnedCardAsync(userId, cardId, terminalId, cancellationToken);
            if (!card.Succeeded) return card.As<Prediction>();
            return Result.Success(await scorer.PredictAsync(card.Value.Card, card.Value.Merchant, amount, atUtc, cancellationToken));
        }
        catch (ScorerUnavailableException ex)
        {
            return Result.Fail<Prediction>(ErrorCode.Unavailable, ex.Message);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<RecordedPayment?> EarlierPaymentAsync(PaymentIdempotency key, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - IdempotencyRecord.Retention;
        var earlier = await EarlierPaymentQuery(db, key.ApiKeyId, key.Key, cutoff, cancellationToken);
        // PaymentId 0: the key answered another endpoint's request; the caller sees the hash differ.
        return earlier is null ? null : new RecordedPayment(null, earlier.PaymentId ?? 0, earlier.RequestHash);
    }

    private sealed record EarlierRow(long? PaymentId, string RequestHash);

    private static readonly Func<FraudDbContext, long, string, DateTime, CancellationToken, Task<EarlierRow?>> EarlierPaymentQuery =
        EF.CompileAsyncQuery((FraudDbContext db, long apiKeyId, string key, DateTime cutoff, CancellationToken cancellationToken) =>
            db.IdempotencyRecords.AsNoTracking().TagWith(SqlitePreparedReads.Tag)
                .Where(r => r.ApiKeyId == apiKeyId && r.Key == key && r.CreatedUtc > cutoff)
                .Select(r => new EarlierRow(r.PaymentId, r.RequestHash))
                .FirstOrDefault());

    /// <summary>The caller's card (NotFound otherwise) and the merchant (Invalid if there is none), in one query.</summary>
    private async Task<Result<(Card Card, PaymentMerchant Merchant)>> OwnedCardAsync(string userId, long cardId, long terminalId, CancellationToken cancellationToken)
    {
        var found = await OwnedCardQuery(db, cardId, userId, terminalId, cancellationToken);
        if (found is null) return Result.Fail<(Card, PaymentMerchant)>(ErrorCode.NotFound, Text.Get("This card does not exist."));
        if (found.MerchantName is null || found.MerchantCategory is null) return Result.Fail<(Card, PaymentMerchant)>(ErrorCode.Invalid, UnknownMerchant, Fields.Terminal);
        return Result.Success((found.Card, new PaymentMerchant(terminalId, found.MerchantName, found.MerchantCategory)));
    }

    private sealed record OwnedCardRow(Card Card, string? MerchantName, string? MerchantCategory);

    // Compiled: on every payment, EF Core's query cache lookup and LinqKit's expansion cost more than the query (perf).
    private static readonly Func<FraudDbContext, long, string, long, CancellationToken, Task<OwnedCardRow?>> OwnedCardQuery =
        EF.CompileAsyncQuery((FraudDbContext db, long cardId, string userId, long terminalId, CancellationToken cancellationToken) =>
            db.Cards.AsNoTracking().TagWith(SqlitePreparedReads.Tag).Where(c => c.Id == cardId && OwnershipQueries.CardOwnedBy.Invoke(c, userId))
                // Two scalar subqueries (an object-valued one would need APPLY, which SQLite lacks).
                .Select(c => new OwnedCardRow(c,
                    db.Terminals.Where(t => t.Id == terminalId).Select(t => t.Name).FirstOrDefault(),
                    db.Terminals.Where(t => t.Id == terminalId).Select(t => t.Category).FirstOrDefault()))
                .FirstOrDefault());

    /// <summary>The refusal of an unknown merchant, in the page's language.</summary>
    public static string UnknownMerchant => Text.Get("Choose a merchant from the list.");

    /// <summary>The same for a card already checked to be the caller's (and a known terminal).</summary>
    public async Task<Result<long>> SubmitAsync(Card card, long terminalId, decimal amount, CancellationToken cancellationToken)
    {
        var merchant = await db.Terminals.AsNoTracking().Where(t => t.Id == terminalId)
            .Select(t => new PaymentMerchant(t.Id, t.Name, t.Category)).SingleOrDefaultAsync(cancellationToken);
        if (merchant is null) return Result.Fail<long>(ErrorCode.Invalid, UnknownMerchant, Fields.Terminal);
        var result = await RecordAsync(card, merchant, amount, null, askToConfirm: false, cancellationToken);
        return result.Succeeded ? Result.Success(result.Value.Recorded!.PaymentId) : result.As<long>();
    }

    /// <summary>Recorded, or stopped before scoring for the holder to confirm the amount (nothing recorded).</summary>
    private readonly record struct Outcome(RecordedPayment? Recorded, AmountToConfirm? ToConfirm);

    private async Task<Result<Outcome>> RecordAsync(Card card, PaymentMerchant merchant, decimal amount, PaymentIdempotency? idempotency, bool askToConfirm,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            if (card.IsExpired(now)) throw new DomainException("This card has expired.");
            // The card's spend read for the check is the one its features then use: no second read.
            if (askToConfirm && PaymentConfirmation.Check(card, await features.CardSpendAsync(card.Id, now, cancellationToken), amount) is { } toConfirm)
                return Result.Success(new Outcome(null, toConfirm));
            var verdict = await scorer.ScoreAsync(card, merchant, amount, now, cancellationToken);
            return Result.Success(new Outcome(await recorder.RecordAsync(new PaymentToRecord(card.Id, merchant.Id, amount, now, verdict, idempotency), cancellationToken), null));
        }
        catch (DomainException ex)
        {
            return Result.Fail<Outcome>(ex.Code == DomainErrorCode.Invalid ? ErrorCode.Invalid : ErrorCode.Conflict, Text.Of(ex));
        }
        catch (ScorerUnavailableException ex)
        {
            return Result.Fail<Outcome>(ErrorCode.Unavailable, ex.Message);
        }
    }
}
