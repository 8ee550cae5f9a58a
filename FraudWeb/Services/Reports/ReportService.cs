using FraudWeb.Infrastructure.Localization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Reports;

/// <summary>Card holders report their own transactions: "not me" (fraud) or "this was me" (disputing the fraud check's stop or a finding of fraud).</summary>
public sealed class ReportService(FraudDbContext db, TimeProvider clock)
{
    // The refusals in the page's language (the English is the translation key).
    public static string AlreadyReported => Text.Get("You have already reported this payment; an analyst is looking at it.");
    public static string AlreadyConfirmedFraud => Text.Get("This payment is already confirmed as fraud, so it was not charged to your card; there is nothing more to report.");
    public static string AlreadyRefunded => Text.Get("This payment was confirmed as fraud and refunded to your card; there is nothing more to report.");
    public static string WentThrough => Text.Get("This payment went through, so there is no stop to dispute. If you did not make it, choose \"Not me\".");

    public static string DeclinedForCredit => Text.Get("This payment was declined because the amount was over the card's available credit, not by the fraud check, so there is no stop to dispute. If you did not make it, choose \"Not me\".");
    public static string AlreadyFoundTheirs => Text.Get("An analyst has already found that you made this payment, so there is nothing left to dispute. If you did not make it, choose \"Not me\".");

    /// <summary>
    /// The refusals of "this was me" in the words of where the report came from: the payment's page, or the API, whose
    /// callers send a kind ("not-me") rather than choose an option. Read when refusing, in the request's language.
    /// </summary>
    private sealed record Words(Func<string> WentThrough, Func<string> DeclinedForCredit, Func<string> AlreadyFoundTheirs)
    {
        public string For(ThisWasMeRefusal refusal) => refusal switch
        {
            ThisWasMeRefusal.WentThrough => WentThrough(),
            ThisWasMeRefusal.DeclinedForCredit => DeclinedForCredit(),
            ThisWasMeRefusal.AlreadyFoundTheirs => AlreadyFoundTheirs(),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "A refusal without words."),
        };
    }

    private static readonly Words PageWords = new(() => WentThrough, () => DeclinedForCredit, () => AlreadyFoundTheirs);

    private static readonly Words ApiWords = new(
        () => Text.Get("This payment went through, so there is no stop to dispute. If you did not make it, send kind \"not-me\"."),
        () => Text.Get("This payment was declined because the amount was over the card's available credit, not by the fraud check, so there is no stop to dispute. If you did not make it, send kind \"not-me\"."),
        () => Text.Get("An analyst has already found that you made this payment, so there is nothing left to dispute. If you did not make it, send kind \"not-me\"."));

    /// <summary>The inputs errors can point at; the form uses the same names.</summary>
    public static class Fields
    {
        public const string Kind = "Kind";
        public const string Reason = "Reason";
    }

    /// <summary>Opens a report on one of the user's payments; NotFound when it is not theirs (a 404, not a 403: no probing).</summary>
    public Task<Result<FraudReport>> CreateAsync(string userId, long transactionId, ReportKind kind, string reason, CancellationToken cancellationToken) =>
        CreateAsync(userId, transactionId, kind, reason, PageWords, cancellationToken);

    /// <summary>The same for an API client, refused in the API's words.</summary>
    public Task<Result<FraudReport>> CreateFromApiAsync(string userId, long transactionId, ReportKind kind, string reason, CancellationToken cancellationToken) =>
        CreateAsync(userId, transactionId, kind, reason, ApiWords, cancellationToken);

    private async Task<Result<FraudReport>> CreateAsync(string userId, long transactionId, ReportKind kind, string reason, Words words, CancellationToken cancellationToken)
    {
        // The holder's row, then the payment's, held before anything is checked (HolderLink, RowLocks): an account
        // closed meanwhile keeps no reason that would outlive its erasure, and an analyst's decision on the payment
        // either comes first and is seen here, or waits and sees this report (read unheld, a decision saved after it).
        await using var write = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await HolderLink.HoldAsync(db, userId, cancellationToken)) return Result.Fail<FraudReport>(ErrorCode.NotFound, Text.Get("Not found."));
        await RowLocks.HoldPaymentAsync(db, transactionId, cancellationToken);
        var transaction = await db.Transactions.AsNoTracking().OwnedBy(userId).FirstOrDefaultAsync(t => t.Id == transactionId, cancellationToken);
        if (transaction is null) return Result.Fail<FraudReport>(ErrorCode.NotFound, Text.Get("Not found."));
        if (await db.FraudReports.AnyAsync(r => r.TransactionId == transactionId && r.Status == ReportStatus.Open, cancellationToken))
        {
            return Result.Fail<FraudReport>(ErrorCode.Conflict, AlreadyReported);
        }
        // A refund is final: nothing is left to report.
        if (transaction.RefundedUtc is not null) return Result.Fail<FraudReport>(ErrorCode.Conflict, AlreadyRefunded);
        // "Not me" on a payment already confirmed as fraud says nothing new, and only put it back in the queue (fraud-operations test).
        if (kind == ReportKind.NotMe && transaction.Label == FraudLabel.Fraud) return Result.Fail<FraudReport>(ErrorCode.Conflict, AlreadyConfirmedFraud);
        // An analyst's finding is a decision that came first (a conflict, as "not me" on confirmed fraud); the others are the payment's own facts.
        if (kind == ReportKind.ThisWasMe && transaction.WhyNotThisWasMe() is { } refusal)
        {
            return refusal == ThisWasMeRefusal.AlreadyFoundTheirs
                ? Result.Fail<FraudReport>(ErrorCode.Conflict, words.For(refusal))
                : Result.Fail<FraudReport>(ErrorCode.Invalid, words.For(refusal), Fields.Kind);
        }
        FraudReport report;
        try
        {
            report = FraudReport.Open(transaction, kind, reason, clock.GetUtcNow().UtcDateTime);
        }
        catch (DomainException ex)
        {
            return Result.Fail<FraudReport>(ErrorCode.Invalid, Text.Of(ex), Fields.Reason);
        }
        db.FraudReports.Add(report);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await write.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A simultaneous report won: the filtered unique index on open reports refused this one.
            db.Entry(report).State = EntityState.Detached;
            return Result.Fail<FraudReport>(ErrorCode.Conflict, AlreadyReported);
        }
        return Result.Success(report);
    }
}
