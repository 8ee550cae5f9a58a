using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.ViewModels.Profile;

public sealed class PersonalDetailsViewModel : PersonalDetailsFields
{
    /// <summary>Shown, not edited: the email is the user name.</summary>
    [Display(Name = "Email")]
    public string? Email { get; set; }
}

public sealed record CardSummaryViewModel(long Id, string Brand, string Last4, string Expiry, string CardholderName,
    decimal CreditLimit, decimal Balance, decimal AvailableCredit)
{
    public string Masked => $"{Brand} •••• {Last4}";
}

public sealed record TransactionRowViewModel(long Id, DateTime TimestampUtc, string Card, string Merchant, string Category,
    decimal Amount, string Decision, int? RiskScore, string? Label, string? Report = null, string? SettlementReason = null)
{
    /// <summary>
    /// A payment as a history row, for every page that lists payments. An expression so that EF translates the status
    /// (a review or refund outcome wins over the verdict's own decision) to SQL. With <paramref name="reports"/>, each
    /// row also carries its latest report and outcome (e.g. "NotMe: Confirmed"); without, none.
    /// </summary>
    public static Expression<Func<CardTransaction, TransactionRowViewModel>> From(IQueryable<FraudReport>? reports = null)
    {
        // A captured bool, not "reports == null": EF drops the branch not taken (no subquery) but cannot compare a DbSet with null.
        var withReport = reports is not null;
        return t => new TransactionRowViewModel(
            t.Id, t.TimestampUtc, t.Card!.Last4, t.Terminal!.Name, t.Terminal.Category, t.Amount,
            t.Verdict == null ? "Not scored"
                : t.RefundedUtc != null ? PaymentStatus.Refunded
                : t.Settlement == ReviewSettlement.Charged ? PaymentStatus.ApprovedAfterReview
                : t.Settlement == ReviewSettlement.Declined ? PaymentStatus.DeclinedAfterReview
                : t.Verdict.Decision.ToString(),
            t.Verdict == null ? null : t.Verdict.RiskScore,
            t.Label == FraudLabel.Unknown ? null : t.Label.ToString(),
            withReport
                ? reports!.Where(r => r.TransactionId == t.Id).OrderByDescending(r => r.Id)
                    .Select(r => r.Kind.ToString() + ": " + r.Status.ToString()).FirstOrDefault()
                : null,
            t.SettlementReason);
    }
}

/// <summary>A row's status beyond the verdict's own decision (Approved, Review, Declined): rendered by _DecisionBadge.</summary>
public static class PaymentStatus
{
    public const string ApprovedAfterReview = "ApprovedAfterReview";
    public const string DeclinedAfterReview = "DeclinedAfterReview";
    /// <summary>Charged, then confirmed as fraud and credited back to the card.</summary>
    public const string Refunded = "Refunded";
}

public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount)
{
    public int TotalPages => Math.Max(1, (TotalCount + PageSize - 1) / PageSize);
    public bool HasPrevious => Page > 1;
    public bool HasNext => Page < TotalPages;
}

public sealed class ProfileViewModel
{
    public required string FullName { get; init; }
    public required string Email { get; init; }
    public string? PhoneNumber { get; init; }
    public DateOnly? DateOfBirth { get; init; }
    public string? Address { get; init; }
    public required IReadOnlyList<CardSummaryViewModel> Cards { get; init; }
    public required PagedList<TransactionRowViewModel> Transactions { get; init; }
    public required IReadOnlyList<TransactionRowViewModel> FraudHistory { get; init; }
}

/// <summary>Daily series for the spending and risk chart.</summary>
public sealed record ChartDataViewModel(IReadOnlyList<string> Days, IReadOnlyList<decimal> Spend, IReadOnlyList<int?> MaxRisk);
