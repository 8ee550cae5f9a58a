using System.ComponentModel.DataAnnotations;
using FraudWeb.Domain.Entities;

namespace FraudWeb.ViewModels.Reports;

/// <summary>The card holder's report form.</summary>
public sealed class NewReportViewModel
{
    [Required]
    public long TransactionId { get; set; }

    [Required(ErrorMessage = "Choose what happened.")]
    [Display(Name = "What happened?")]
    public ReportKind? Kind { get; set; }

    [Required(ErrorMessage = "Tell us briefly what happened.")]
    [StringLength(FraudReport.ReasonMaxLength, MinimumLength = FraudReport.ReasonMinLength,
        ErrorMessage = "The reason must be between {2} and {1} characters.")]
    [Display(Name = "Reason")]
    public string? Reason { get; set; }

    // Shown beside the form; filled by the service.
    public string? Summary { get; set; }

    /// <summary>Set when the payment was already refunded as confirmed fraud: the page says so instead of asking.</summary>
    public DateTime? RefundedUtc { get; set; }

    /// <summary>Whether "This was me" is offered: only for a payment that was stopped (declined or held), not one that went through.</summary>
    public bool CanSayThisWasMe { get; set; }
}

public sealed record ReviewReason(string Feature, double Value, double Contribution, string Text);

public sealed record CardHistoryRow(DateTime TimestampUtc, string Merchant, decimal Amount, PaymentStatus Status, string? Label);

/// <summary>One item of the analyst's queue: an open report, or a payment held for review without one.</summary>
public sealed record ReviewItemViewModel(
    long TransactionId,
    long? ReportId,
    string? ReportKind,
    string? ReportReason,
    Guid? ReportVersion,
    Guid? TransactionVersion,
    DateTime TimestampUtc,
    string Card,
    string Merchant,
    decimal Amount,
    PaymentStatus Status,
    int? RiskScore,
    string? ModelVersion,
    IReadOnlyList<ReviewReason> Reasons,
    IReadOnlyList<KeyValuePair<string, float>> Features,
    IReadOnlyList<CardHistoryRow> CardHistory,
    string? DecidedBy = null);

public sealed record ReviewQueueViewModel(IReadOnlyList<ReviewItemViewModel> Items, int Page, int TotalPages, int TotalCount);

/// <summary>The analyst's decision: confirm the claim (report) or say fraud (review), or reject it.</summary>
public sealed class ReviewDecisionViewModel
{
    [Required]
    public long TransactionId { get; set; }

    public long? ReportId { get; set; }

    public Guid? ReportVersion { get; set; }

    /// <summary>The payment's concurrency token as the analyst saw it: a decision on a changed payment is refused.</summary>
    public Guid? TransactionVersion { get; set; }

    /// <summary>Report: true confirms the card holder's claim. Review without a report: true means fraud.</summary>
    [Required]
    public bool? Confirm { get; set; }

    /// <summary>The validated values for the service (call only when the model state is valid).</summary>
    public Services.Reports.ReviewDecision ToDecision() => new(TransactionId, ReportId, ReportVersion, TransactionVersion, Confirm!.Value);
}
