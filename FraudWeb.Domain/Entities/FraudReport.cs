using FraudWeb.Domain.Cards;

namespace FraudWeb.Domain.Entities;

public enum ReportKind
{
    /// <summary>"Not me": the card holder says the payment is fraud.</summary>
    NotMe = 0,
    /// <summary>"This was me": the card holder disputes a decline or a review.</summary>
    ThisWasMe = 1,
}

public enum ReportStatus
{
    Open = 0,
    Confirmed = 1,
    Rejected = 2,
}

/// <summary>A card holder's report on one of their transactions, decided by an analyst.</summary>
public class FraudReport
{
    // Four: a whole reason in Chinese is often four characters (卡被盗刷, "card used by a thief"): five refused it (Chinese UI test).
    public const int ReasonMinLength = 4;
    public const int ReasonMaxLength = 500;

    /// <summary>The risk of a report on a payment without a verdict: after every scored one in the queue.</summary>
    public const int NoVerdictRisk = -1;

    private FraudReport()
    {
        Reason = "";
    }

    public long Id { get; private set; }
    public long TransactionId { get; private set; }
    /// <summary>The payment's card, copied: a holder's reports are found through their cards (the fraud history) without walking their payments.</summary>
    public long CardId { get; private set; }
    public CardTransaction? Transaction { get; private set; }
    /// <summary>
    /// The payment's risk score (0-99; -1 without a verdict), copied: a verdict never changes, and the analysts' queue
    /// orders open reports by it from the reports' own index instead of reading every open report's payment.
    /// </summary>
    public int Risk { get; private set; }
    public ReportKind Kind { get; private set; }
    public string Reason { get; private set; }
    public ReportStatus Status { get; private set; }
    public DateTime CreatedUtc { get; private set; }
    public DateTime? DecidedUtc { get; private set; }
    public string? DecidedBy { get; private set; }
    /// <summary>Optimistic concurrency token: two analysts deciding at once, the second save fails.</summary>
    public Guid RowVersion { get; private set; }

    public static FraudReport Open(CardTransaction transaction, ReportKind kind, string reason, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        // Read by analysts in the review queue: no direction override. Measured as kept: a card number in it is kept as
        // its brand and last four, which can be longer than the number ("American Express •••• 0005").
        var kept = CardNumber.Redact(FreeText.Checked((reason ?? "").Trim(), lines: true));
        // Zero-width characters count towards neither end: four of them showed as an empty reason in the queue.
        if (TextLength.Visible(kept) < ReasonMinLength || TextLength.Of(kept) > ReasonMaxLength)
        {
            throw DomainException.Format("The reason must be between {0} and {1} characters.", ReasonMinLength, ReasonMaxLength);
        }
        return new FraudReport
        {
            TransactionId = transaction.Id,
            CardId = transaction.CardId,
            Risk = transaction.Verdict?.RiskScore ?? NoVerdictRisk,
            Kind = kind,
            Reason = kept,
            Status = ReportStatus.Open,
            CreatedUtc = nowUtc,
            RowVersion = Guid.NewGuid(),
        };
    }

    /// <summary>
    /// What a report's free text says once its author's account is erased (docs/decisions/0024): the words were theirs
    /// and may name people, places or habits; the kind, status and decision (the label analysts and retraining read) stay.
    /// </summary>
    public const string ErasedReason = "(erased with the card holder's account)";

    /// <remarks>Written by the erasure in one statement (AdminUserService), not through this entity: an analyst deciding the
    /// report at that moment must neither fail nor undo it, so the row version is left alone.</remarks>
    public bool IsReasonErased => Reason == ErasedReason;

    /// <summary>
    /// Closes the report and labels the transaction: a confirmed "not me" is fraud, a confirmed "this was me" is
    /// legitimate; a rejected report labels the opposite (the analyst found the claim wrong).
    /// </summary>
    public void Decide(bool confirm, CardTransaction transaction, string analyst, IssuerTime now)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(analyst);
        if (Status != ReportStatus.Open) throw new DomainException("This report has already been decided.", DomainErrorCode.StateChanged);
        if (transaction.Id != TransactionId) throw new ArgumentException("The report is about another transaction.", nameof(transaction));
        // Checked before anything changes, so the report stays open and untouched.
        if (transaction.IsRefunded) throw new DomainException(CardTransaction.RefundedIsFinal, DomainErrorCode.Final);
        Status = confirm ? ReportStatus.Confirmed : ReportStatus.Rejected;
        DecidedBy = analyst;
        DecidedUtc = now.Utc;
        RowVersion = Guid.NewGuid();
        var saysFraud = Kind == ReportKind.NotMe;
        transaction.ApplyLabel(saysFraud == confirm ? FraudLabel.Fraud : FraudLabel.Legitimate, analyst, now);
    }
}
