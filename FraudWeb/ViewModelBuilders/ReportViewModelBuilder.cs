using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.ViewModels.Common;
using FraudWeb.ViewModels.Reports;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

public sealed class ReportViewModelBuilder(FraudDbContext db, LocalTime time)
{
    /// <summary>The form for one of the user's transactions, keeping what was posted; null when it is not theirs.</summary>
    public async Task<NewReportViewModel?> FormAsync(string userId, long transactionId, NewReportViewModel? posted, CancellationToken cancellationToken)
    {
        var transaction = await db.Transactions.AsNoTracking().OwnedBy(userId).Include(t => t.Terminal).Include(t => t.Card)
            .FirstOrDefaultAsync(t => t.Id == transactionId, cancellationToken);
        if (transaction is null) return null;
        var model = posted ?? new NewReportViewModel { TransactionId = transactionId };
        model.TransactionId = transactionId;
        model.RefundedUtc = transaction.RefundedUtc;
        model.AlreadyReported = await db.FraudReports.AnyAsync(r => r.TransactionId == transactionId && r.Status == ReportStatus.Open, cancellationToken);
        model.CanSayThisWasMe = transaction.CanBeReportedAs(ReportKind.ThisWasMe);
        if (!model.CanSayThisWasMe && posted is null) model.Kind = ReportKind.NotMe;
        model.Summary = Text.Format("{0} at {1} on {2}, card ending {3}: {4}",
            Money.Format(transaction.Amount, CultureInfo.CurrentCulture), transaction.Terminal!.Name, time.Format(transaction.TimestampUtc),
            transaction.Card!.Last4, PaymentStatusText.For(transaction.Status));
        return model;
    }
}
