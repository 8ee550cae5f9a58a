using System.ComponentModel.DataAnnotations;
using System.Globalization;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.ViewModels.Reports;

/// <summary>The card holder's report form.</summary>
public sealed class NewReportViewModel
{
    [Required(ErrorMessage = "Choose a payment to report.")]
    public long TransactionId { get; set; }

    [Required(ErrorMessage = "Choose what happened.")]
    [Display(Name = "What happened?")]
    public ReportKind? Kind { get; set; }

    [Required(ErrorMessage = "Tell us briefly what happened.")]
    [CharacterLength(FraudReport.ReasonMaxLength, MinimumLength = FraudReport.ReasonMinLength,
        ErrorMessage = "The reason must be between {2} and {1} characters.")]
    [Display(Name = "Reason")]
    public string? Reason { get; set; }

    // Shown beside the form; filled by the service.
    public string? Summary { get; set; }

    /// <summary>Set when the payment was already refunded as confirmed fraud: the page says so instead of asking.</summary>
    public DateTime? RefundedUtc { get; set; }

    /// <summary>Whether "This was me" is offered (CardTransaction.WhyNotThisWasMe): the fraud check's stop or a finding of fraud to dispute.</summary>
    public bool CanSayThisWasMe { get; set; }

    /// <summary>An open report on the payment: the page says so instead of a form that would be refused.</summary>
    public bool AlreadyReported { get; set; }
}

public sealed record ReviewReason(string Feature, double Value, double Contribution, string Text);

/// <summary>One of the card holder's other recent payments, on any of their cards (<paramref name="Card"/>: brand and last four).</summary>
public sealed record HolderPaymentRow(DateTime TimestampUtc, string Card, string Merchant, decimal Amount, PaymentStatus Status, string? Label);

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
    IReadOnlyList<HolderPaymentRow> HolderHistory,
    string? DecidedBy = null)
{
    /// <summary>Who works on it (their email), if anyone.</summary>
    public string? AssignedTo { get; init; }

    /// <summary>Their user id: the assignment form sends it back, so a take-over names whom it meant to replace.</summary>
    public string? AssigneeId { get; init; }

    /// <summary>Whether it is the signed-in analyst's.</summary>
    public bool IsMine { get; init; }

    /// <summary>Whether it was paid with the signed-in analyst's own card: another analyst decides it.</summary>
    public bool IsOwnCard { get; init; }

    /// <summary>Whether the holder has since removed the payment's card or reported it lost or stolen, or the bank blocked it, and when.</summary>
    public CardStop? CardStoppedAs { get; init; }

    public DateTime? CardStoppedUtc { get; init; }

    /// <summary>The payment's card (staff block and unblock it by its id; docs/decisions/0028).</summary>
    public long CardId { get; init; }

    /// <summary>Why the bank blocked the card, and staff's note, while it is blocked.</summary>
    public CardBlockReason? CardBlockReason { get; init; }

    public string? CardBlockNote { get; init; }

    /// <summary>
    /// Whether the card holder's account is closed (by them or an administrator): the card takes no payments whatever its
    /// block says, so no block form is offered, and clearing a held payment declines it (CardTransaction.SettleReview).
    /// </summary>
    public bool HolderAccountClosed { get; init; }

    /// <summary>
    /// The payment's label already given by staff ("Fraud" or "Legitimate"), when a report came after it: the holder
    /// disputes an earlier decision, which the item says (fraud-operations test: it was overturned unseen).
    /// </summary>
    public string? EarlierLabel { get; init; }

    /// <summary>Who gave <see cref="EarlierLabel"/> (their email).</summary>
    public string? EarlierLabelledBy { get; init; }

    /// <summary>When <see cref="EarlierLabel"/> was given (UTC).</summary>
    public DateTime? EarlierLabelledUtc { get; init; }

    /// <summary>
    /// The two buttons, each saying what it will do to this payment: "confirm" means fraud for a "not me" report and
    /// legitimate for a "this was me" one, so the form's value follows the report's kind, never the button's place.
    /// </summary>
    public (ReviewChoice Fraud, ReviewChoice Legitimate) Choices
    {
        get
        {
            var fraudConfirms = ReportKind != nameof(Domain.Entities.ReportKind.ThisWasMe);
            var fraud = Status switch
            {
                PaymentStatus.Approved or PaymentStatus.ApprovedAfterReview => Text.Format("Mark as fraud and refund {0}", Money.Format(Amount, CultureInfo.CurrentCulture)),
                PaymentStatus.Review => Text.Get("Mark as fraud and decline it"),
                _ => Text.Get("Mark as fraud"),
            };
            // A card that takes no payments (account closed, card stopped or blocked) is not charged: the button promises no charge.
            var legitimate = Status == PaymentStatus.Review && !HolderAccountClosed && CardStoppedAs is null ? Text.Get("Mark as legitimate and charge it") : Text.Get("Mark as legitimate");
            // Money goes back to the card and the decision is final: asked once more (UI review).
            var question = Status is PaymentStatus.Approved or PaymentStatus.ApprovedAfterReview
                ? Text.Format("Refund {0} to the card and mark payment #{1} as fraud? This decision is final.", Money.Format(Amount, CultureInfo.CurrentCulture), TransactionId.ToString(CultureInfo.InvariantCulture))
                : null;
            return (new ReviewChoice(fraudConfirms, fraud, question), new ReviewChoice(!fraudConfirms, legitimate));
        }
    }
}

/// <summary>A decision button: the value it posts as <see cref="ReviewDecisionViewModel.Confirm"/> and what it says.</summary>
public sealed record ReviewChoice(bool Confirm, string Label, string? Question = null);

/// <summary>The message an analyst reads after deciding, in the page's language: what happened to the payment and the card.</summary>
public static class ReviewOutcomeText
{
    public static string Describe(Services.Reports.ReviewOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var payment = outcome.TransactionId.ToString(CultureInfo.InvariantCulture);
        var refund = outcome.Refunded is { } amount ? Money.Format(amount, CultureInfo.CurrentCulture) : null;
        return (outcome.Label, outcome.SettledAs) switch
        {
            (FraudLabel.Fraud, ReviewSettlement.Declined) => refund is null
                ? Text.Format("Payment #{0} marked as fraud and declined.", payment)
                : Text.Format("Payment #{0} marked as fraud and declined; {1} credited back to the card.", payment, refund),
            (FraudLabel.Fraud, _) => refund is null
                ? Text.Format("Payment #{0} marked as fraud.", payment)
                : Text.Format("Payment #{0} marked as fraud; {1} credited back to the card.", payment, refund),
            (FraudLabel.Legitimate, ReviewSettlement.Charged) => Text.Format("Payment #{0} marked as legitimate and charged to the card.", payment),
            (FraudLabel.Legitimate, ReviewSettlement.Declined) when outcome.NotChargedBecause is { } why =>
                Text.Format("Payment #{0} marked as legitimate but not charged, so it stays declined: {1}", payment, Text.Get(why)),
            (FraudLabel.Legitimate, ReviewSettlement.Declined) => Text.Format("Payment #{0} marked as legitimate, but it could not be charged (the card's credit or the card itself is gone), so it stays declined.", payment),
            _ => Text.Format("Payment #{0} marked as legitimate.", payment),
        };
    }
}

/// <summary>
/// The queue's filters, as an analyst narrows it (a GET, so a filtered queue is a link): what kind of item, risk
/// range, how long it has waited, a card's last four digits or a merchant's name, and whose it is.
/// </summary>
public sealed class ReviewQueueQuery : IValidatableObject
{
    public const string RiskRangeReversed = "'Risk from' is above 'Risk to': no payment can match.";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HasReversedRiskRange) yield return new ValidationResult(Text.Get(RiskRangeReversed), [nameof(MinRisk), nameof(MaxRisk)]);
    }

    /// <summary>"Risk from" above "Risk to": a filter no payment can match.</summary>
    public bool HasReversedRiskRange => MinRisk > MaxRisk;

    public const string KindNotMe = "not-me";
    public const string KindThisWasMe = "this-was-me";
    public const string KindHeld = "held";
    public const string KindHeldByRule = "held-rule";
    public const string KindHeldByModel = "held-model";
    public const string AssignedToMe = "me";
    public const string Unassigned = "unassigned";

    public static readonly IReadOnlyDictionary<string, TimeSpan> Ages = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
    };

    [Display(Name = "Kind")]
    [RegularExpression("^(not-me|this-was-me|held|held-rule|held-model)$", ErrorMessage = "Choose a kind from the list.", MatchTimeoutInMilliseconds = Timeout.Infinite)]
    public string? Kind { get; set; }

    [Display(Name = "Risk from")]
    [Range(0, 99, ErrorMessage = "Risk is from 0 to 99.")]
    public int? MinRisk { get; set; }

    [Display(Name = "Risk to")]
    [Range(0, 99, ErrorMessage = "Risk is from 0 to 99.")]
    public int? MaxRisk { get; set; }

    [Display(Name = "Waiting")]
    [RegularExpression("^(1h|24h|7d)$", ErrorMessage = "Choose a waiting time from the list.", MatchTimeoutInMilliseconds = Timeout.Infinite)]
    public string? Age { get; set; }

    [Display(Name = "Card's last 4 or merchant")]
    [StringLength(100, ErrorMessage = "Search with at most {1} characters.")]
    public string? Search { get => _search; set => _search = SearchTerm.WithoutCardNumber(value); }
    private string? _search;

    [Display(Name = "Assigned")]
    [RegularExpression("^(me|unassigned)$", ErrorMessage = "Choose from the list.", MatchTimeoutInMilliseconds = Timeout.Infinite)]
    public string? Assigned { get; set; }

    /// <summary>
    /// The page, as a position in the queue (Services.Paging.QueueCursor; null: the first page). Old links' ?Page=N are
    /// not read: the queue pages from an item now, as a page number shifted whenever another analyst decided an item.
    /// </summary>
    public string? Cursor { get; set; }

    public bool IsFiltered => Kind is not null || MinRisk is not null || MaxRisk is not null || Age is not null || !string.IsNullOrWhiteSpace(Search) || Assigned is not null;

    /// <summary>The filters and the page as route values, so decisions and paging keep the analyst's view.</summary>
    public Dictionary<string, string> RouteValues() => WithCursor(Cursor);

    /// <summary>The filters as route values with another page (<paramref name="cursor"/>; null: the first).</summary>
    public Dictionary<string, string> WithCursor(string? cursor)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Kind is not null) values[nameof(Kind)] = Kind;
        if (MinRisk is { } min) values[nameof(MinRisk)] = min.ToString(CultureInfo.InvariantCulture);
        if (MaxRisk is { } max) values[nameof(MaxRisk)] = max.ToString(CultureInfo.InvariantCulture);
        if (Age is not null) values[nameof(Age)] = Age;
        if (!string.IsNullOrWhiteSpace(Search)) values[nameof(Search)] = Search.Trim();
        if (Assigned is not null) values[nameof(Assigned)] = Assigned;
        if (!string.IsNullOrEmpty(cursor)) values[nameof(Cursor)] = cursor;
        return values;
    }

    /// <summary>The same for URL generation (<c>Url.Action</c>).</summary>
    public Microsoft.AspNetCore.Routing.RouteValueDictionary ToRouteValueDictionary() =>
        new(RouteValues().Select(v => new KeyValuePair<string, object?>(v.Key, v.Value)));
}

/// <summary>A page of the queue: its items, the cursors of the pages before and after it (null at either end), the counts.</summary>
public sealed record ReviewQueueViewModel(ReviewQueueQuery Query, IReadOnlyList<ReviewItemViewModel> Items, string? PreviousCursor, string? NextCursor, int TotalCount, int WaitingCount);

/// <summary>The analyst's decision: confirm the claim (report) or say fraud (review), or reject it.</summary>
public sealed class ReviewDecisionViewModel
{
    [Required(ErrorMessage = "Choose a payment to decide.")]
    public long TransactionId { get; set; }

    public long? ReportId { get; set; }

    public Guid? ReportVersion { get; set; }

    /// <summary>The payment's concurrency token as the analyst saw it: a decision on a changed payment is refused.</summary>
    public Guid? TransactionVersion { get; set; }

    /// <summary>Report: true confirms the card holder's claim. Review without a report: true means fraud.</summary>
    [Required(ErrorMessage = "Choose fraud or legitimate.")]
    public bool? Confirm { get; set; }

    /// <summary>The validated values for the service (call only when the model state is valid).</summary>
    public Services.Reports.ReviewDecision ToDecision() => new(TransactionId, ReportId, ReportVersion, TransactionVersion, Confirm!.Value);
}
