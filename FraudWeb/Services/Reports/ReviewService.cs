using FraudWeb.Services.Cards;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Retraining;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Reports;

/// <summary>
/// An analyst's decision on an item of the queue: a report (confirm or reject the holder's claim) or a payment held
/// for review (fraud or not). The versions are the concurrency tokens the analyst saw.
/// </summary>
public sealed record ReviewDecision(long TransactionId, long? ReportId, Guid? ReportVersion, Guid? TransactionVersion, bool Confirm);

/// <summary>
/// What a decision did to the payment: its label now, whether a held payment was charged or declined by it, and the
/// amount credited back if it refunded a charge; for a held payment cleared but not charged, why (a DeclineReasons sentence).
/// </summary>
public sealed record ReviewOutcome(long TransactionId, FraudLabel Label, ReviewSettlement? SettledAs, decimal? Refunded, string? NotChargedBecause = null);

/// <summary>
/// Deciding the analysts' queue: labels the transaction (ground truth for retraining) and closes the report in one
/// save. The queue itself is a screen (ViewModelBuilders/ReviewQueueViewModelBuilder).
/// </summary>
public sealed class ReviewService(FraudDbContext db, RetrainingSignal signal, AuditLog audit, TimeProvider clock, IssuerClock issuer)
{
    /// <summary>
    /// Records the analyst's decision; a clear message when someone else decided first. On a payment held for review
    /// the label also settles it (charged or declined) in the same save, so a payment is charged at most once; fraud
    /// confirmed on a charged payment refunds it in that save too (the card's balance token makes a race retry).
    /// Refused when the payment is on the analyst's own card: deciding it could refund oneself.
    /// </summary>
    public async Task<Result<ReviewOutcome>> DecideAsync(ReviewDecision decision, string analystId, CancellationToken cancellationToken) =>
        await DecideAsync(decision, analystId, null, cancellationToken);

    /// <param name="key">
    /// The API key the decision came with: recorded in the audit entry with who created it, and its creator is held to
    /// the own-card rule too, since an administrator who created an analyst's key has seen its secret.
    /// </param>
    private async Task<Result<ReviewOutcome>> DecideAsync(ReviewDecision decision, string analystId, DecidingKey? key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (await db.Transactions.OwnedBy(analystId).AnyAsync(t => t.Id == decision.TransactionId, cancellationToken)
            || (key is not null && key.CreatedBy != analystId && await db.Transactions.OwnedBy(key.CreatedBy).AnyAsync(t => t.Id == decision.TransactionId, cancellationToken)))
            return Result.Fail<ReviewOutcome>(ErrorCode.Refused, Text.Get(WordsFor(key).OwnPayment));
        // Labels keep recording the analyst's name, as before.
        var analyst = await db.Users.Where(u => u.Id == analystId).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken) ?? analystId;
        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await DecideOnceAsync(decision, analystId, analyst, key, now, cancellationToken);
                if (result.Succeeded) signal.Wake();
                return result;
            }
            catch (DbUpdateConcurrencyException ex) when (ex.Entries.All(e => e.Entity is Card or ReviewAssignment))
            {
                // Only the card's balance moved (the holder paid meanwhile), or the assignment the decision ends was
                // given back or taken over: no reason to refuse the analyst, so decide again on fresh data. A changed
                // transaction or report is never retried.
                if (attempt == MaxAttempts) return Result.Fail<ReviewOutcome>(ErrorCode.Conflict, Text.Get(WordsFor(key).CardBusy));
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException)
            {
                return await AlreadyDecidedAsync(decision.TransactionId, analyst, WordsFor(key), cancellationToken);
            }
            catch (DomainException ex) when (ex.Code == DomainErrorCode.Final)
            {
                return Result.Fail<ReviewOutcome>(ErrorCode.Conflict, Text.Of(ex));
            }
            catch (DomainException)
            {
                return await AlreadyDecidedAsync(decision.TransactionId, analyst, WordsFor(key), cancellationToken);
            }
        }
    }

    /// <summary>Who decided first, as the analyst should read it: a double click or a second tab is their own decision, not another analyst's.</summary>
    private async Task<Result<ReviewOutcome>> AlreadyDecidedAsync(long transactionId, string analystName, Words words, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var decidedBy = await db.Transactions.Where(t => t.Id == transactionId).Select(t => t.LabelledBy).FirstOrDefaultAsync(cancellationToken);
        return Result.Fail<ReviewOutcome>(ErrorCode.Conflict, Text.Get(decidedBy == analystName ? words.AlreadyDecidedByYou : words.AlreadyDecided));
    }

    /// <summary>
    /// Applies a confirmed label as the analyst's decision (the API's labels): on the holder's report when one is
    /// named (confirming or rejecting its claim as the label says), otherwise on a payment held for review. Same rules,
    /// audit and retraining signal as <see cref="DecideAsync(ReviewDecision, string, CancellationToken)"/>; a report or payment changed by anyone meanwhile is not
    /// overwritten, since no version was seen.
    /// </summary>
    /// <param name="apiKeyId">The API key the label came with (recorded with the decision, <see cref="DecideAsync(ReviewDecision, string, DecidingKey?, CancellationToken)"/>).</param>
    public async Task<Result> LabelAsync(long transactionId, long? reportId, FraudLabel label, string analystId, long apiKeyId, CancellationToken cancellationToken)
    {
        if (label == FraudLabel.Unknown) return Result.Fail(ErrorCode.Invalid, Text.Get("A label says fraud or legitimate."));
        var key = await db.ApiKeys.Where(k => k.Id == apiKeyId).Select(k => new DecidingKey(k.Prefix, k.CreatedBy)).FirstOrDefaultAsync(cancellationToken);
        if (key is null) return Result.Fail(ErrorCode.Refused, Text.Get("This key does not exist."));
        var fraud = label == FraudLabel.Fraud;
        if (reportId is not { } id) return await DecideAsync(new ReviewDecision(transactionId, null, null, null, fraud), analystId, key, cancellationToken);
        var kind = await db.FraudReports.Where(r => r.Id == id && r.TransactionId == transactionId).Select(r => (ReportKind?)r.Kind).FirstOrDefaultAsync(cancellationToken);
        if (kind is null) return Result.Fail(ErrorCode.NotFound, Text.Get("This report does not exist."));
        // A "not me" report claims fraud, "this was me" claims legitimate: the label confirms the claim when they agree.
        var confirm = (kind == ReportKind.NotMe) == fraud;
        return await DecideAsync(new ReviewDecision(transactionId, id, null, null, confirm), analystId, key, cancellationToken);
    }

    /// <summary>An API key a decision came with: its visible prefix and who created it.</summary>
    private sealed record DecidingKey(string Prefix, string CreatedBy);

    public const string DeciderGone = "Your account has been deleted, so nothing was changed.";

    private async Task<Result<ReviewOutcome>> DecideOnceAsync(ReviewDecision model, string analystId, string analyst, DecidingKey? key, DateTime now, CancellationToken cancellationToken)
    {
        if (await db.Transactions.Where(t => t.Id == model.TransactionId).Select(t => (long?)t.CardId).FirstOrDefaultAsync(cancellationToken) is not { } cardId)
            return Result.Fail<ReviewOutcome>(ErrorCode.NotFound, Text.Get("This payment does not exist."));
        // The payment and its card held before they are read (RowLocks): an assignment made meanwhile is removed, not
        // left on the decided payment, and an account closed meanwhile is seen, so its held payment is declined, not
        // charged (docs/decisions/0024). Read unheld, the card's tokens did not change with the erasure.
        await using var held = await db.Database.BeginTransactionAsync(cancellationToken);
        // The analyst's own account first (the erasure's order, RowLocks): the name the label records is one that stays
        // until the erasure renames it, not one erased meanwhile.
        if (await RowLocks.DeciderNameAsync(db, analystId, cancellationToken) is not { } current)
            return Result.Fail<ReviewOutcome>(ErrorCode.Refused, Text.Get(DeciderGone));
        analyst = current;
        await RowLocks.HoldPaymentAsync(db, model.TransactionId, cancellationToken);
        await RowLocks.HoldCardAsync(db, cardId, cancellationToken);
        // The card (and whether its account still exists) decides whether a cleared held payment can be charged.
        var transaction = await db.Transactions.Include(t => t.Card).ThenInclude(c => c!.CardHolder)
            .FirstOrDefaultAsync(t => t.Id == model.TransactionId, cancellationToken);
        if (transaction is null) return Result.Fail<ReviewOutcome>(ErrorCode.NotFound, Text.Get("This payment does not exist."));
        // The tokens the analyst saw: if the payment or the report changed since, the save below fails.
        if (model.TransactionVersion is { } seenTransaction) db.Entry(transaction).Property(t => t.RowVersion).OriginalValue = seenTransaction;
        string? reportKind = null;
        var before = new { Label = transaction.Label.ToString(), Settlement = transaction.Settlement?.ToString(), Refunded = transaction.RefundedUtc is not null };
        if (model.ReportId is { } reportId)
        {
            var report = await db.FraudReports.FirstOrDefaultAsync(r => r.Id == reportId && r.TransactionId == transaction.Id, cancellationToken);
            if (report is null) return Result.Fail<ReviewOutcome>(ErrorCode.NotFound, Text.Get("This report does not exist."));
            if (model.ReportVersion is { } seen) db.Entry(report).Property(r => r.RowVersion).OriginalValue = seen;
            report.Decide(model.Confirm, transaction, analyst, issuer.At(now));
            reportKind = report.Kind.ToString();
        }
        else
        {
            // The holder reported it (since the analyst read the queue, or it went through and they dispute it): deciding
            // the payment alone would leave their report open (and them told an analyst is looking at it). The queue
            // shows the report; it is decided there, and a case tool is told which report to label.
            if (await db.FraudReports.Where(r => r.TransactionId == transaction.Id && r.Status == ReportStatus.Open).Select(r => (long?)r.Id)
                    .FirstOrDefaultAsync(cancellationToken) is { } openReport)
                return Result.Fail<ReviewOutcome>(ErrorCode.Conflict, key is null ? Text.Get(ReportedMeanwhile) : Text.Format(ApiReported, openReport));
            if (transaction.Verdict?.Decision != Decision.Review) return Result.Fail<ReviewOutcome>(ErrorCode.Invalid, Text.Get("This payment is not held for review."));
            var words = WordsFor(key);
            if (transaction.Label != FraudLabel.Unknown)
                return Result.Fail<ReviewOutcome>(ErrorCode.Conflict, Text.Get(transaction.LabelledBy == analyst ? words.AlreadyDecidedByYou : words.AlreadyDecided));
            transaction.ApplyLabel(model.Confirm ? FraudLabel.Fraud : FraudLabel.Legitimate, analyst, issuer.At(now));
        }
        // Decided, the item leaves the queue and so does whoever had taken it: a later report on the payment is new
        // work, and left assigned it would wait on their name (and outside "assigned to no one").
        if (await db.ReviewAssignments.FirstOrDefaultAsync(a => a.TransactionId == transaction.Id, cancellationToken) is { } assignment)
        {
            db.ReviewAssignments.Remove(assignment);
            await audit.AppendAsync(analystId, AuditActions.ReviewRelease, "transaction", transaction.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new { Assignee = assignment.AssigneeId }, null, cancellationToken);
        }
        // With the report's kind: "Confirm" means fraud for a "not me" report and legitimate for a "this was me" one.
        var after = new { model.ReportId, ReportKind = reportKind, model.Confirm, Label = transaction.Label.ToString(), Settlement = transaction.Settlement?.ToString(), Refunded = transaction.RefundedUtc is not null };
        await audit.AppendAsync(analystId, AuditActions.ReviewDecide, "transaction", transaction.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), before,
            key is null ? after : new { after.ReportId, after.ReportKind, after.Confirm, after.Label, after.Settlement, after.Refunded, Key = key.Prefix, KeyCreatedBy = key.CreatedBy },
            cancellationToken);
        // Label, settlement or refund, card balance, report status and the audit entry are written in one save: never half-recorded.
        await db.SaveChangesAsync(cancellationToken);
        await held.CommitAsync(cancellationToken);
        // A held payment settled now, or a charge refunded now (not one settled or refunded before).
        return Result.Success(new ReviewOutcome(transaction.Id, transaction.Label,
            before.Settlement is null ? transaction.Settlement : null,
            !before.Refunded && transaction.RefundedUtc is not null ? transaction.Amount : null,
            before.Settlement is null && transaction is { Label: FraudLabel.Legitimate, Settlement: ReviewSettlement.Declined } ? transaction.SettlementReason : null));
    }

    /// <summary>
    /// Assigns a payment waiting for review to the analyst (taking it from whoever had it), or with
    /// <paramref name="assign"/> false gives back the analyst's own assignment. Audited. NotFound when the payment no
    /// longer waits for review.
    /// </summary>
    /// <param name="seenAssignee">
    /// Whom the analyst's page showed the payment assigned to (null: no one). Taking it is refused when that changed: an
    /// "Assign to me" pressed on a page read before another analyst took the payment took it from them, unsaid.
    /// </param>
    public async Task<Result> AssignAsync(long transactionId, string analystId, bool assign, string? seenAssignee, CancellationToken cancellationToken)
    {
        // The payment held before it is checked (RowLocks): a decision committed between the check and the save left
        // this assignment on a decided payment.
        await using var held = await db.Database.BeginTransactionAsync(cancellationToken);
        // The analyst's account first, as a decision holds it (RowLocks): the assignment names it (a foreign key, which
        // PostgreSQL checks by holding the account's row), so taken after the payment it deadlocked with the account's
        // erasure, which holds the account and then the payments the analyst labelled.
        if (await RowLocks.DeciderNameAsync(db, analystId, cancellationToken) is null) return Result.Fail(ErrorCode.Refused, Text.Get(DeciderGone));
        await RowLocks.HoldPaymentAsync(db, transactionId, cancellationToken);
        if (!await AwaitingReview.Reported(db).AnyAsync(i => i.TransactionId == transactionId, cancellationToken)
            && !await AwaitingReview.Held(db).AnyAsync(i => i.TransactionId == transactionId, cancellationToken))
            return Result.Fail(ErrorCode.NotFound, Text.Get(NoLongerWaiting));
        // As deciding it: taken by the one analyst who may never decide it, it would leave the others' "to no one" view.
        if (assign && await db.Transactions.OwnedBy(analystId).AnyAsync(t => t.Id == transactionId, cancellationToken))
            return Result.Fail(ErrorCode.Refused, Text.Get(OwnAssignment));
        var now = clock.GetUtcNow().UtcDateTime;
        var current = await db.ReviewAssignments.FirstOrDefaultAsync(a => a.TransactionId == transactionId, cancellationToken);
        var target = transactionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!assign)
        {
            if (current is null) return Result.Ok;
            // Another analyst took it over since this queue was shown: it is theirs to give back, and saying "back in the
            // queue for anyone" would be untrue.
            if (current.AssigneeId != analystId) return Result.Fail(ErrorCode.Conflict, Text.Get(TakenOverMeanwhile));
            db.ReviewAssignments.Remove(current);
            await audit.AppendAsync(analystId, AuditActions.ReviewRelease, "transaction", target, new { Assignee = analystId }, null, cancellationToken);
        }
        else
        {
            if (current?.AssigneeId == analystId) return Result.Ok;
            if (!string.Equals(current?.AssigneeId, string.IsNullOrEmpty(seenAssignee) ? null : seenAssignee, StringComparison.Ordinal))
                return Result.Fail(ErrorCode.Conflict, Text.Get(AssignedMeanwhile));
            var before = current is null ? null : new { Assignee = current.AssigneeId };
            if (current is null) db.ReviewAssignments.Add(new ReviewAssignment(transactionId, analystId, now));
            else current.TakeOver(analystId, now);
            await audit.AppendAsync(analystId, AuditActions.ReviewAssign, "transaction", target, before, new { Assignee = analystId }, cancellationToken);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await held.CommitAsync(cancellationToken);
            return Result.Ok;
        }
        catch (DbUpdateException)
        {
            // Another analyst took or released it at the same moment: their change stands.
            db.ChangeTracker.Clear();
            return Result.Fail(ErrorCode.Conflict, Text.Get(AssignedMeanwhile));
        }
    }

    private const int MaxAttempts = 3;

    public const string NoLongerWaiting = "This payment no longer waits for review.";

    public const string AssignedMeanwhile = "Another analyst changed who works on this payment at the same moment; the queue has been refreshed.";

    public const string TakenOverMeanwhile = "Another analyst has taken this payment over; it stays assigned to them.";

    public const string OwnPayment = "You cannot decide a payment made with your own card; another analyst must do it.";

    public const string OwnAssignment = "You cannot take a payment made with your own card; another analyst must review it.";

    public const string CardBusy = "The card was being used at the same moment; please decide again.";

    public const string ReportedMeanwhile = "The card holder has reported this payment meanwhile: decide their report, which the queue now shows.";

    public const string AlreadyDecided = "Another analyst has already decided this item; the queue has been refreshed.";

    public const string AlreadyDecidedByYou = "You have already decided this item (an earlier click or another tab); the queue has been refreshed.";

    /// <summary>
    /// The refusals in the words of where the decision came from: the review queue's page, or the labels API, whose
    /// callers have no queue to refresh, no clicks or tabs, and send labels rather than decide items.
    /// </summary>
    private sealed record Words(string OwnPayment, string CardBusy, string AlreadyDecided, string AlreadyDecidedByYou);

    private static readonly Words QueueWords = new(OwnPayment, CardBusy, AlreadyDecided, AlreadyDecidedByYou);

    private static readonly Words ApiWords = new(ApiOwnPayment, ApiCardBusy, ApiAlreadyLabelled, ApiAlreadyLabelledByYou);

    private static Words WordsFor(DecidingKey? key) => key is null ? QueueWords : ApiWords;

    /// <summary>Every refusal handed to the localizer through <see cref="Words"/>, for the translations' check.</summary>
    public static readonly IReadOnlyList<string> Refusals =
        [OwnPayment, OwnAssignment, CardBusy, AlreadyDecided, AlreadyDecidedByYou, ApiOwnPayment, ApiCardBusy, ApiAlreadyLabelled, ApiAlreadyLabelledByYou, ApiReported];

    public const string ApiOwnPayment = "The payment was made with your own card or a card of the key's creator; another analyst must label it.";

    public const string ApiCardBusy = "The card was being used at the same moment; send the label again.";

    public const string ApiAlreadyLabelled = "Another analyst has already labelled this payment or report; the label was not changed.";

    public const string ApiAlreadyLabelledByYou = "You have already labelled this payment or report (an earlier request); the label was not changed.";

    /// <summary>A payment the holder has reported (held, or gone through): the label belongs on their report.</summary>
    public const string ApiReported = "The card holder has reported this payment: send the label with its report, reportId {0}.";
}
