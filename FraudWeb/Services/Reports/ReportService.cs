using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Reports;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Reports;

public sealed record ReportOutcome(bool NotFound, Result Result);

/// <summary>Card holders report their own transactions: "not me" (fraud) or "this was me" (a disputed decline or review).</summary>
public sealed class ReportService(FraudDbContext db, TimeProvider clock)
{
    public const string AlreadyRefunded = "This payment was confirmed as fraud and refunded to your card; there is nothing more to report.";
    public const string WentThrough = "This payment went through, so there is no stop to dispute. If you did not make it, choose \"Not me\".";

    /// <summary>The form for one of the user's transactions; null when it is not theirs (a 404, not a 403: no probing).</summary>
    public async Task<NewReportViewModel?> NewFormAsync(string userId, long transactionId, NewReportViewModel? posted, CancellationToken cancellationToken)
    {
        var transaction = await db.Transactions.AsNoTracking().Include(t => t.Terminal).Include(t => t.Card)
            .FirstOrDefaultAsync(t => t.Id == transactionId && t.Card!.CardHolder!.UserId == userId, cancellationToken);
        if (transaction is null) return null;
        var model = posted ?? new NewReportViewModel { TransactionId = transactionId };
        model.TransactionId = transactionId;
        model.RefundedUtc = transaction.RefundedUtc;
        model.CanSayThisWasMe = transaction.CanBeReportedAs(ReportKind.ThisWasMe);
        if (!model.CanSayThisWasMe && posted is null) model.Kind = ReportKind.NotMe;
        var decision = transaction.Verdict?.Decision.ToString() ?? "Not scored";
        model.Summary = string.Create(CultureInfo.InvariantCulture,
            $"{transaction.Amount:0.00} at {transaction.Terminal!.Name} on {transaction.TimestampUtc:yyyy-MM-dd HH:mm} UTC, card ending {transaction.Card!.Last4}: {decision}");
        return model;
    }

    public async Task<ReportOutcome> CreateAsync(string userId, NewReportViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var owned = await db.Transactions.AnyAsync(t => t.Id == model.TransactionId && t.Card!.CardHolder!.UserId == userId, cancellationToken);
        if (!owned) return new ReportOutcome(true, Result.Fail(ErrorCode.Invalid, "Not found."));
        if (await db.FraudReports.AnyAsync(r => r.TransactionId == model.TransactionId && r.Status == ReportStatus.Open, cancellationToken))
        {
            return new ReportOutcome(false, Result.Fail(ErrorCode.Invalid, "You have already reported this payment; an analyst is looking at it."));
        }
        // After the open-report check, so a report decided meanwhile is seen as refunded: the refund is final.
        if (await db.Transactions.AnyAsync(t => t.Id == model.TransactionId && t.RefundedUtc != null, cancellationToken))
        {
            return new ReportOutcome(false, Result.Fail(ErrorCode.Invalid, AlreadyRefunded));
        }
        var transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == model.TransactionId, cancellationToken);
        if (!transaction.CanBeReportedAs(model.Kind!.Value))
        {
            return new ReportOutcome(false, Result.Fail(ErrorCode.Invalid, WentThrough, nameof(model.Kind)));
        }
        try
        {
            db.FraudReports.Add(FraudReport.Open(model.TransactionId, model.Kind!.Value, model.Reason ?? "", clock.GetUtcNow().UtcDateTime));
        }
        catch (DomainException ex)
        {
            return new ReportOutcome(false, Result.Fail(ErrorCode.Invalid, ex.Message, nameof(model.Reason)));
        }
        await db.SaveChangesAsync(cancellationToken);
        return new ReportOutcome(false, Result.Ok);
    }
}
