using System.Globalization;
using FraudWeb.Services.Cards;
using FraudWeb.Infrastructure.Database;
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
public sealed class TransactionService(FraudDbContext db, SqlitePreparedReads reads, TransactionScorer scorer, PaymentFeatures features, PaymentRecorder recorder,
    CardMemory memory, TimeProvider clock, IssuerClock issuer)
{
    /// <summary>The inputs errors can point at; the form uses the same names.</summary>
    public static class Fields
    {
        public const string Terminal = "TerminalId";

        /// <summary>The form page's one-time key: a failure here means the page has been used, so it needs a new key.</summary>
        public const string SubmissionKey = "SubmissionKey";
    }

    /// <summary>
    /// Scores and records the payment; the new transaction's id, or NotFound (not the caller's card), Invalid (a rule
    /// refused it) or Unavailable (no model is serving).
    /// </summary>
    public async Task<Result<long>> SubmitAsync(string userId, long cardId, long terminalId, decimal amount, CancellationToken cancellationToken)
    {
        var result = await SubmitAsync(userId, cardId, terminalId, amount, null, FormWords, cancellationToken);
        return result.Succeeded ? Result.Success(result.Value.PaymentId) : result.As<long>();
    }

    /// <summary>
    /// The payment form's submission: unless <paramref name="confirmed"/>, an amount over the available credit, far
    /// beyond the card's usual payment or large in itself comes back to be confirmed (<see cref="PaymentConfirmation"/>)
    /// and nothing is recorded; otherwise the same as <see cref="SubmitAsync(string, long, long, decimal, CancellationToken)"/>.
    /// </summary>
    /// <param name="submissionKey">
    /// The form page's one-time key: the same form sent again (a double click, the back button, a confirmed page sent
    /// twice) answers with the payment it made instead of paying twice; the same key with other details is refused
    /// (<see cref="ErrorCode.Conflict"/>) so the holder checks them and sends a new form. Kept with the payment by the
    /// writer, in its commit, as an API client's Idempotency-Key is.
    /// </param>
    public async Task<Result<FormPayment>> SubmitFromFormAsync(string userId, long cardId, long terminalId, decimal amount, bool confirmed, string? submissionKey,
        CancellationToken cancellationToken)
    {
        var key = submissionKey is null ? null : FormKey(userId, cardId, terminalId, amount, submissionKey);
        var decided = await DecideAsync(userId, cardId, terminalId, amount, key, askToConfirm: !confirmed, FormWords, cancellationToken);
        if (!decided.Succeeded) return decided.As<FormPayment>();
        if (decided.Value.ToConfirm is { } toConfirm) return Result.Success(new FormPayment(0, toConfirm));
        var recorded = decided.Value.Earlier is { } earlier ? Result.Success(earlier) : await RecordAsync(decided.Value.ToRecord!, cancellationToken);
        if (!recorded.Succeeded) return recorded.As<FormPayment>();
        if (recorded.Value.IsKeyReusedBy(key))
            return Result.Fail<FormPayment>(ErrorCode.Conflict, Text.Get(FormUsedMessage), Fields.SubmissionKey);
        return Result.Success(new FormPayment(recorded.Value.PaymentId, null));
    }

    public const string FormUsedMessage = "This form has already made a payment with other details. Check the payment and press Pay again.";

    /// <summary>"The same form" is the same card, merchant and amount sent with the page's key, among the holder's keys.</summary>
    private static PaymentIdempotency FormKey(string userId, long cardId, long terminalId, decimal amount, string submissionKey) =>
        new(IdempotencyRecord.FormNamespace(userId), submissionKey, Sha256Hex(string.Create(CultureInfo.InvariantCulture, $"form {cardId} {terminalId} {amount:F2}")));

    /// <summary>
    /// An API client's Idempotency-Key for a payment: "the same request" is the same card, merchant and amount, however
    /// the JSON was written. The hash is stored with the payment, so its text never changes: a retry must match keys
    /// stored by earlier releases (the route in it is that text, not a link).
    /// </summary>
    public static PaymentIdempotency ApiIdempotency(long apiKeyId, string key, long cardId, long terminalId, decimal amount) =>
        new(apiKeyId, key, Sha256Hex(string.Create(CultureInfo.InvariantCulture, $"POST /api/v1/payments {cardId} {terminalId} {amount:F2}")));

    private static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// The same with an API client's Idempotency-Key: the payment and its key are committed together, and a key that
    /// already recorded a payment returns that payment (<see cref="RecordedPayment.IsReplay"/>) instead of a second one.
    /// The API's: refusals are in its words (a terminalId, not a list of merchants).
    /// </summary>
    public Task<Result<RecordedPayment>> SubmitAsync(string userId, long cardId, long terminalId, decimal amount, PaymentIdempotency? idempotency, CancellationToken cancellationToken) =>
        SubmitAsync(userId, cardId, terminalId, amount, idempotency, ApiWords, cancellationToken);

    private async Task<Result<RecordedPayment>> SubmitAsync(string userId, long cardId, long terminalId, decimal amount, PaymentIdempotency? idempotency, Words words,
        CancellationToken cancellationToken)
    {
        var decided = await DecideAsync(userId, cardId, terminalId, amount, idempotency, askToConfirm: false, words, cancellationToken);
        if (!decided.Succeeded) return decided.As<RecordedPayment>();
        if (decided.Value.Earlier is { } earlier) return Result.Success(earlier);
        var recorded = await RecordAsync(decided.Value.ToRecord!, cancellationToken);
        // The new payment comes back whole (its card as committed): with the merchant, the caller can answer without reading it back.
        return recorded.Succeeded ? Result.Success(recorded.Value with { MerchantName = decided.Value.MerchantName }) : recorded;
    }

    /// <summary>
    /// What a submission comes to before anything is written: an earlier payment under the same Idempotency-Key, an
    /// amount to confirm, or the scored payment to record.
    /// </summary>
    private sealed record Decision(RecordedPayment? Earlier, AmountToConfirm? ToConfirm, PaymentToRecord? ToRecord, string? MerchantName = null);

    /// <summary>The payment's reads and its score; nothing is held once it waits for the writer.</summary>
    private async Task<Result<Decision>> DecideAsync(string userId, long cardId, long terminalId, decimal amount, PaymentIdempotency? idempotency, bool askToConfirm,
        Words words, CancellationToken cancellationToken)
    {
        var held = await HoldConnectionAsync(cancellationToken);
        try
        {
            var now = PaymentTime();
            var card = await OwnedCardAsync(userId, cardId, terminalId, words, cancellationToken, windowsAt: now);
            var decision = card.Succeeded ? await ScoreAsync(card.Value.Card, card.Value.Merchant, amount, idempotency, askToConfirm, now, cancellationToken) : card.As<Decision>();
            // A retry of a recorded payment is that payment, even if it could not be paid now (the card expired, the
            // model is down). Otherwise the writer finds the key, in the commit that would record it: asking here too
            // cost every API payment a read (bench/README.md, issue 17), for the rare retry that is scored again.
            // So is a form sent again after it paid, rather than a question about its amount (review: Back and send
            // asked "please check the amount" of a payment already made); only an amount to confirm pays that read.
            if ((!decision.Succeeded || decision.Value.ToConfirm is not null) && idempotency is not null
                && await EarlierPaymentAsync(idempotency, cancellationToken) is { } earlier)
                return Result.Success(new Decision(earlier, null, null));
            return decision;
        }
        finally
        {
            if (held) await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// SQLite: one open connection for all of a payment's reads (opening a pooled SQLite connection per query was 11%
    /// of a payment's time under load). PostgreSQL: none held; each read takes a pooled connection and gives it back
    /// (cheap there), as holding one while the rule book's load needs a second could empty a bounded pool: 16 requests
    /// each holding one and waiting for another stalled every payment (measured).
    /// </summary>
    private async Task<bool> HoldConnectionAsync(CancellationToken cancellationToken)
    {
        if (!db.OnSqlite()) return false;
        await db.Database.OpenConnectionAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Scores a payment on any card at <paramref name="atUtc"/> without recording anything: the same features, model and
    /// policy as a submitted payment. For staff (the API's payments:score): a card holder who could ask would learn
    /// the scorer's numbers and tune payments until they pass (docs/security.md, 8.2.x).
    /// </summary>
    public async Task<Result<Prediction>> PredictAsync(long cardId, long terminalId, decimal amount, DateTime atUtc, CancellationToken cancellationToken)
    {
        var held = await HoldConnectionAsync(cancellationToken);
        try
        {
            var card = await db.Cards.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cardId, cancellationToken);
            if (card is null) return Result.Fail<Prediction>(ErrorCode.NotFound, Text.Get("This card does not exist."));
            var merchant = await db.Terminals.AsNoTracking().Where(t => t.Id == terminalId)
                .Select(t => new PaymentMerchant(t.Id, t.Name, t.Category)).FirstOrDefaultAsync(cancellationToken);
            if (merchant is null) return Result.Fail<Prediction>(ErrorCode.Invalid, ApiWords.UnknownMerchant(), Fields.Terminal);
            return Result.Success(await scorer.PredictAsync(card, merchant, amount, atUtc, cancellationToken));
        }
        catch (ScorerUnavailableException ex)
        {
            return Result.Fail<Prediction>(ErrorCode.Unavailable, ex.Message);
        }
        finally
        {
            if (held) await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<RecordedPayment?> EarlierPaymentAsync(PaymentIdempotency key, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - IdempotencyRecord.Retention;
        // Hand-written on a prepared statement: every API payment asks, and through EF Core the question cost more than the answer (perf).
        return await reads.ReadAsync(db, EarlierPaymentSql, command =>
        {
            SqlitePreparedReads.Bind(command, "@apiKey", key.ApiKeyId);
            SqlitePreparedReads.Bind(command, "@key", key.Key);
            SqlitePreparedReads.Bind(command, "@cutoff", cutoff);
        }, async (reader, token) => await reader.ReadAsync(token)
            // PaymentId 0: the key answered another endpoint's request; the caller sees the hash differ.
            ? new RecordedPayment(null, reader.IsDBNull(0) ? 0 : reader.GetInt64(0), reader.GetString(1))
            : null, cancellationToken);
    }

    private const string EarlierPaymentSql = """
        SELECT "PaymentId", "RequestHash" FROM "IdempotencyRecords" WHERE "ApiKeyId" = @apiKey AND "Key" = @key AND "CreatedUtc" > @cutoff LIMIT 1
        """;

    /// <summary>The caller's card (NotFound otherwise) and the merchant (Invalid if there is none), in one query.</summary>
    /// <param name="windowsAt">
    /// A new payment's time: on PostgreSQL its card and terminal windows are read in the same round trip and kept by
    /// <see cref="PaymentFeatures"/> for its confirmation and its features (two round trips a payment fewer).
    /// </param>
    private async Task<Result<(Card Card, PaymentMerchant Merchant)>> OwnedCardAsync(string userId, long cardId, long terminalId, Words words, CancellationToken cancellationToken,
        DateTime? windowsAt = null)
    {
        // SQLite: from memory when both are kept (docs/decisions/0018); read otherwise, and kept unless changed meanwhile.
        var sqlite = db.OnSqlite();
        if (sqlite && memory.OwnedCard(cardId, userId) is { } known && memory.Merchant(terminalId) is { } knownMerchant)
            return Result.Success((known, knownMerchant));
        var mark = sqlite ? memory.Mark(cardId) : null;
        var card = EntityColumns.Of<Card>(db, "c");
        // Hand-written on a prepared statement: every payment asks, and through EF Core (compiled) it cost 6-7% of a
        // payment's CPU (perf). Owned: the card's holder is the caller (OwnershipQueries.CardOwnedBy, in SQL).
        var windows = sqlite ? null : windowsAt;
        var sql = $"""
            SELECT {card.Select}, (SELECT "Name" FROM "Terminals" WHERE "Id" = @terminal), (SELECT "Category" FROM "Terminals" WHERE "Id" = @terminal)
            FROM "Cards" AS "c" INNER JOIN "CardHolders" AS "h" ON "h"."Id" = "c"."CardHolderId"
            WHERE "c"."Id" = @card AND "h"."UserId" = @user
            """;
        var found = await reads.ReadAsync(db, windows is null ? sql : sql + ";\n" + PaymentFeatures.NewPaymentWindowsSql, command =>
        {
            SqlitePreparedReads.Bind(command, "@terminal", terminalId);
            SqlitePreparedReads.Bind(command, "@card", cardId);
            SqlitePreparedReads.Bind(command, "@user", userId);
            if (windows is { } at) features.BindNewPaymentWindows(command, cardId, terminalId, at);
        }, async (reader, token) =>
        {
            if (!await reader.ReadAsync(token)) return null;
            var row = new OwnedCardRow(card.Read(reader, 0), reader.IsDBNull(card.Count) ? null : reader.GetString(card.Count),
                reader.IsDBNull(card.Count + 1) ? null : reader.GetString(card.Count + 1));
            // The caller's card only: another's windows are never read out.
            if (windows is { } at && await reader.NextResultAsync(token)) await features.ReadNewPaymentWindowsAsync(reader, cardId, terminalId, at, token);
            return row;
        }, cancellationToken);
        if (found is null) return Result.Fail<(Card, PaymentMerchant)>(ErrorCode.NotFound, Text.Get("This card does not exist."));
        if (found.MerchantName is null || found.MerchantCategory is null) return Result.Fail<(Card, PaymentMerchant)>(ErrorCode.Invalid, words.UnknownMerchant(), Fields.Terminal);
        var merchant = new PaymentMerchant(terminalId, found.MerchantName, found.MerchantCategory);
        if (mark is not null) memory.Remember(mark, userId, found.Card, merchant);
        return Result.Success((found.Card, merchant));
    }

    private sealed record OwnedCardRow(Card Card, string? MerchantName, string? MerchantCategory);

    /// <summary>The refusal of an unknown merchant, in the page's language.</summary>
    public static string UnknownMerchant => Text.Get("Choose a merchant from the list.");

    /// <summary>
    /// The refusals in the words of where the payment came from: the payment form, which offers a list of merchants,
    /// or the API (payments and predict), whose callers send a terminalId. Read when refusing, in the request's language.
    /// </summary>
    private sealed record Words(Func<string> UnknownMerchant);

    private static readonly Words FormWords = new(() => UnknownMerchant);

    private static readonly Words ApiWords = new(() => Text.Get("'terminalId' names no merchant."));

    /// <summary>The same for a card already checked to be the caller's (and a known terminal).</summary>
    public async Task<Result<long>> SubmitAsync(Card card, long terminalId, decimal amount, CancellationToken cancellationToken)
    {
        var merchant = await db.Terminals.AsNoTracking().Where(t => t.Id == terminalId)
            .Select(t => new PaymentMerchant(t.Id, t.Name, t.Category)).SingleOrDefaultAsync(cancellationToken);
        if (merchant is null) return Result.Fail<long>(ErrorCode.Invalid, UnknownMerchant, Fields.Terminal);
        var decided = await ScoreAsync(card, merchant, amount, null, askToConfirm: false, PaymentTime(), cancellationToken);
        if (!decided.Succeeded) return decided.As<long>();
        var recorded = await RecordAsync(decided.Value.ToRecord!, cancellationToken);
        return recorded.Succeeded ? Result.Success(recorded.Value.PaymentId) : recorded.As<long>();
    }

    /// <summary>The payment scored, or stopped before scoring for the holder to confirm the amount (nothing recorded).</summary>
    private async Task<Result<Decision>> ScoreAsync(Card card, PaymentMerchant merchant, decimal amount, PaymentIdempotency? idempotency, bool askToConfirm,
        DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        try
        {
            // A card its holder removed or reported lost or stolen, or the bank blocked, is refused before anything is scored (the writer checks again on the committed card).
            card.EnsureTakesPayments();
            if (card.IsExpired(issuer.At(now).Date)) throw new DomainException("This card has expired.");
            // The card's spend read for the check is the one its features then use: no second read.
            if (askToConfirm && PaymentConfirmation.Check(card, await features.CardSpendAsync(card.Id, merchant.Id, now, cancellationToken), amount) is { } toConfirm)
                return Result.Success(new Decision(null, toConfirm, null));
            var verdict = await scorer.ScoreAsync(card, merchant, amount, now, cancellationToken);
            return Result.Success(new Decision(null, null, new PaymentToRecord(card.Id, merchant.Id, amount, now, verdict, idempotency), merchant.Name));
        }
        catch (DomainException ex)
        {
            return Refused<Decision>(ex);
        }
        catch (ScorerUnavailableException ex)
        {
            return Result.Fail<Decision>(ErrorCode.Unavailable, ex.Message);
        }
    }

    /// <summary>A new payment's time, to the microsecond (PostgreSQL's precision): the payment answered from memory is the one stored.</summary>
    private DateTime PaymentTime()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    /// <summary>The scored payment recorded by the writer: its payment, or a business refusal on the fresh balance.</summary>
    private async Task<Result<RecordedPayment>> RecordAsync(PaymentToRecord payment, CancellationToken cancellationToken)
    {
        try
        {
            return Result.Success(await recorder.RecordAsync(payment, cancellationToken));
        }
        catch (DomainException ex)
        {
            return Refused<RecordedPayment>(ex);
        }
        catch (ScorerUnavailableException ex)
        {
            return Result.Fail<RecordedPayment>(ErrorCode.Unavailable, ex.Message);
        }
    }

    /// <summary>The machine-readable reason of a payment refused because the bank blocked its card (the API's problem type).</summary>
    public const string CardBlockedReason = "card-blocked";

    private static Result<T> Refused<T>(DomainException ex) => ex.Code switch
    {
        // A card the bank blocked: a rule of its own, which API callers tell apart from other refusals (docs/decisions/0028).
        DomainErrorCode.Blocked => Result.Fail([new Failure(ErrorCode.Invalid, Text.Of(ex), "", CardBlockedReason)]).As<T>(),
        DomainErrorCode.Invalid => Result.Fail<T>(ErrorCode.Invalid, Text.Of(ex)),
        _ => Result.Fail<T>(ErrorCode.Conflict, Text.Of(ex)),
    };
}
