using System.Linq.Expressions;
using FraudWeb.Domain.Entities;
using LinqKit;

namespace FraudWeb.ViewModels.Common;

/// <summary>A payment as a history row, for every page that lists payments.</summary>
public sealed record TransactionRowViewModel(long Id, DateTime TimestampUtc, string Card, string Merchant, string Category,
    decimal Amount, PaymentStatus Status, int? RiskScore, string? Label, string? Report = null, string? SettlementReason = null)
{
    /// <summary>
    /// The row as an expression, so EF computes the status (<see cref="PaymentStatusRule"/>) in SQL. With
    /// <paramref name="reports"/>, each row also carries its latest report and outcome (e.g. "NotMe: Confirmed").
    /// </summary>
    public static Expression<Func<CardTransaction, TransactionRowViewModel>> From(IQueryable<FraudReport>? reports = null)
    {
        // A captured bool, not "reports == null": EF drops the branch not taken (no subquery) but cannot compare a DbSet with null.
        var withReport = reports is not null;
        // Expanded here, before EF Core sees it, so the captured bool still picks its branch when EF Core reads the query.
        Expression<Func<CardTransaction, TransactionRowViewModel>> row = t => Row.Invoke(t, reports, withReport);
        return row.Expand();
    }

    /// <summary>
    /// The same as one expression of the payment, the reports and whether to read them, for compiled queries
    /// (<c>Row.Invoke(t, db.FraudReports, true)</c>; LinqKit inlines it).
    /// </summary>
    public static readonly Expression<Func<CardTransaction, IQueryable<FraudReport>?, bool, TransactionRowViewModel>> Row = (t, reports, withReport) =>
        new TransactionRowViewModel(
            t.Id, t.TimestampUtc, t.Card!.Last4, t.Terminal!.Name, t.Terminal.Category, t.Amount,
            PaymentStatusRule.Expression.Invoke(t),
            t.Verdict == null ? null : t.Verdict.RiskScore,
            t.Label == FraudLabel.Unknown ? null : t.Label.ToString(),
            withReport
                ? reports!.Where(r => r.TransactionId == t.Id).OrderByDescending(r => r.Id)
                    .Select(r => r.Kind.ToString() + ": " + r.Status.ToString()).FirstOrDefault()
                : null,
            t.SettlementReason);
}
