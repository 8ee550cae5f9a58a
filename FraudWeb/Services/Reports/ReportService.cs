using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Reports;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Reports;

public sealed record ReportOutcome(bool NotFound, ServiceResult Result);

/// <summary>Card holders report their own transactions: "not me" (fraud) or "this was me" (a disputed decline or review).</summary>
public sealed class ReportService(FraudDbContext db, TimeProvider clock)
{
    public const string AlreadyRefunded = "This payment was confirmed as fraud and refunded to your card; there is nothing more to report.";

    /// <summary>The form for one of the user's transactions; null when it is not theirs (a 404, not a 403: no probing).</summary>
    public async Task<NewReportViewModel?> NewFormAsync(string userId, long transactionId, NewReportViewModel? posted, CancellationToken cancellationToken)
    {
        var row = await db.Transactions.AsNoTracking()
            .Where(t => t.Id == transactionId && t.Card!.CardHolder!.UserId == userId)
            .Select(t => new { t.TimestampUtc, t.Amount, Merchant = t.Terminal!.Name, t.Card!.Last4, Decision = t.Verdict == null ? "Not scored" : t.Verdict.Decision.ToString(), t.RefundedUtc })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null) return null;
        var model = posted ?? new NewReportViewModel { TransactionId = transactionId };
        model.TransactionId = transactionId;
        model.RefundedUtc = row.RefundedUtc;
        model.Summary = string.Create(CultureInfo.InvariantCulture,
            $"{row.Amount:0.00} at {row.Merchant} on {row.TimestampUtc:yyyy-MM-dd HH:mm} UTC, card ending {row.Last4}: {row.Decision}");
        return model;
    }

    public async Task<ReportOutcome> CreateAsync(string userId, NewReportViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var owned = await db.Transactions.AnyAsync(t => t.Id == model.TransactionId && t.Card!.CardHolder!.UserId == userId, cancellationToken);
        if (!owned) return new ReportOutcome(true, ServiceResult.Fail("Not found."));
        if (await db.FraudReports.AnyAsync(r => r.TransactionId == model.TransactionId && r.Status == ReportStatus.Open, cancellationToken))
        {
            return new ReportOutcome(false, ServiceResult.Fail("You have already reported this payment; an analyst is looking at it."));
        }
        // After the open-report check, so a report decided meanwhile is seen as refunded: the refund is final.
        if (await db.Transactions.AnyAsync(t => t.Id == model.TransactionId && t.RefundedUtc != null, cancellationToken))
        {
            return new ReportOutcome(false, ServiceResult.Fail(AlreadyRefunded));
        }
        try
        {
            db.FraudReports.Add(FraudReport.Open(model.TransactionId, model.Kind!.Value, model.Reason ?? "", clock.GetUtcNow().UtcDateTime));
        }
        catch (DomainException ex)
        {
            return new ReportOutcome(false, ServiceResult.Fail(ex.Message, nameof(model.Reason)));
        }
        await db.SaveChangesAsync(cancellationToken);
        return new ReportOutcome(false, ServiceResult.Ok);
    }
}
