using FraudWeb.Domain.Cards;

namespace FraudWeb.Domain.Entities;

public enum TransactionSource
{
    Simulated = 0,
    CardHolder = 1,
}

/// <summary>The ground truth as far as we know it (issue 4 adds reports and analyst labelling).</summary>
public enum FraudLabel
{
    Unknown = 0,
    Fraud = 1,
    Legitimate = 2,
}

/// <summary>
/// A card payment at a terminal. Submitted payments carry the scorer's <see cref="Verdict"/>; seeded history
/// carries none, only its simulated label.
/// </summary>
public class CardTransaction
{
    private CardTransaction() { }

    public long Id { get; private set; }
    public long CardId { get; private set; }
    public Card? Card { get; private set; }
    public long TerminalId { get; private set; }
    public Terminal? Terminal { get; private set; }
    public decimal Amount { get; private set; }
    public DateTime TimestampUtc { get; private set; }
    public TransactionSource Source { get; private set; }
    public Verdict? Verdict { get; private set; }
    public FraudLabel Label { get; private set; }
    public DateTime? LabelledUtc { get; private set; }
    public string? LabelledBy { get; private set; }

    /// <summary><see cref="LabelledBy"/> of the seeded history's simulated labels: not an analyst's.</summary>
    public const string SimulatorLabeller = "simulator";
    /// <summary>What became of a payment held for review once an analyst decided it; null while it waits (and for every other payment).</summary>
    public ReviewSettlement? Settlement { get; private set; }
    /// <summary>Why a held payment was declined after review.</summary>
    public string? SettlementReason { get; private set; }
    public DateTime? SettledUtc { get; private set; }
    /// <summary>When a charged payment confirmed as fraud was credited back to the card; null if it never was.</summary>
    public DateTime? RefundedUtc { get; private set; }
    /// <summary>Why the amount was credited back (for now always <see cref="RefundReasons.ConfirmedFraud"/>).</summary>
    public string? RefundReason { get; private set; }
    /// <summary>
    /// Optimistic concurrency token, new with every label or settlement, so two analysts deciding at once cannot both
    /// save. Null on rows from before it existed (the seeded history) until their first change.
    /// </summary>
    public Guid? RowVersion { get; private set; }

    public bool IsConfirmedFraud => Label == FraudLabel.Fraud;

    /// <summary>Held for review and not yet settled: not charged, waiting for an analyst.</summary>
    public bool IsAwaitingReview => Verdict?.Decision == Decision.Review && Settlement is null;

    /// <summary>
    /// The amount went onto the card's balance: approved at submission, or cleared after review. Seeded history has no
    /// verdict and was never charged through the app, so it never counts as charged (and is never refunded).
    /// </summary>
    public bool WasCharged => Verdict?.Decision == Decision.Approved || Settlement == ReviewSettlement.Charged;

    public bool IsRefunded => RefundedUtc is not null;

    /// <summary>Where the payment stands for its holder (<see cref="PaymentStatusRule"/>).</summary>
    public PaymentStatus Status => PaymentStatusRule.Of(this);

    /// <summary>"Not me" can be said of any payment; "this was me" only where <see cref="WhyNotThisWasMe"/> finds no refusal.</summary>
    public bool CanBeReportedAs(ReportKind kind) => kind == ReportKind.NotMe || WhyNotThisWasMe() is null;

    /// <summary>
    /// Why the holder cannot say "this was me" of this payment, or null when they can. It disputes the fraud check's
    /// stop (a hold, a decline as too risky) or a finding of fraud: not a payment that went through, not one an analyst
    /// has already found to be theirs, and not one declined only for the card's credit, which no analyst's decision
    /// would charge (QA: such a report was accepted, and its "confirmed" outcome changed nothing). A finding of fraud
    /// stays disputable whatever declined the payment: "not me" is refused there, so nothing else would be left.
    /// </summary>
    public ThisWasMeRefusal? WhyNotThisWasMe() =>
        WasCharged ? ThisWasMeRefusal.WentThrough
        : Label == FraudLabel.Legitimate ? ThisWasMeRefusal.AlreadyFoundTheirs
        : Label != FraudLabel.Fraud && Verdict?.DeclineReason == DeclineReasons.InsufficientCredit ? ThisWasMeRefusal.DeclinedForCredit
        : null;

    public static CardTransaction Submit(Card card, long terminalId, decimal amount, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(card);
        EnsureAmount(amount);
        // Checked here, where the writer records it on the card as committed: a card stopped on another instance meanwhile is refused.
        card.EnsureTakesPayments();
        if (nowUtc.Kind != DateTimeKind.Utc) throw new ArgumentException("Timestamps are UTC.", nameof(nowUtc));
        return new CardTransaction
        {
            CardId = card.Id,
            Card = card,
            TerminalId = terminalId,
            Amount = amount,
            TimestampUtc = nowUtc,
            Source = TransactionSource.CardHolder,
            RowVersion = Guid.NewGuid(),
        };
    }

    /// <summary>
    /// Records the verdict. An approved payment is charged to the card at once; one over the available credit is
    /// declined with that reason instead; one under review is not charged until an analyst clears it.
    /// </summary>
    public void RecordVerdict(Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (Verdict is not null) throw new DomainException("This transaction already has a verdict.", DomainErrorCode.StateChanged);
        if (Card is null) throw new InvalidOperationException("The card must be loaded to record a verdict.");
        if (!Card.CanCharge(Amount))
        {
            // The card's limit decided, not the rule (if one allowed it).
            verdict = verdict with { Decision = Decision.Declined, DeclineReason = DeclineReasons.InsufficientCredit, RuleId = null, DecidedBy = null };
        }
        Verdict = verdict;
        if (verdict.Decision == Decision.Approved) Card.Charge(Amount);
    }

    /// <summary>
    /// Records the ground truth. On a payment still held for review the label is the analyst's decision, so it
    /// settles the payment in the same change: whichever path labels it (queue or report), none can skip settling.
    /// Fraud confirmed on a payment that was charged credits it back to the card (the holder is not liable), once.
    /// </summary>
    /// <param name="now">The label's time; the issuer's date there decides whether a held payment's card has expired.</param>
    public void ApplyLabel(FraudLabel label, string labelledBy, IssuerTime now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelledBy);
        if (label == FraudLabel.Unknown) throw new ArgumentException("A label says fraud or legitimate.", nameof(label));
        // The money has gone back to the holder: relabelling it legitimate would call for charging it again, which
        // no analyst decision should do silently, so a refunded payment's label is final.
        if (IsRefunded) throw new DomainException(RefundedIsFinal, DomainErrorCode.Final);
        // The time stays when the label does (a report decided on a payment already confirmed as fraud): it is when the
        // fraud became known, from which later payments' terminal features counted it (ADR 0014 addendum).
        if (Label != label || LabelledUtc is null) LabelledUtc = now.Utc;
        Label = label;
        LabelledBy = labelledBy;
        RowVersion = Guid.NewGuid();
        if (IsAwaitingReview) SettleReview(now);
        else if (label == FraudLabel.Fraud && WasCharged) Refund(now.Utc);
        else if (Settlement == ReviewSettlement.Declined) SettlementReason = SettledDeclineReason(label, SettlementReason);
    }

    /// <summary>
    /// A review's decline says why in the holder's words; a later label that reverses "not made by the card holder"
    /// changes the words, not the money: the payment stays uncharged (charging it days later would surprise them).
    /// </summary>
    private static string? SettledDeclineReason(FraudLabel label, string? reason) => (label, reason) switch
    {
        (FraudLabel.Legitimate, DeclineReasons.ConfirmedFraud) => DeclineReasons.ClearedAfterDecline,
        (FraudLabel.Fraud, DeclineReasons.ClearedAfterDecline) => DeclineReasons.ConfirmedFraud,
        _ => reason,
    };

    public const string RefundedIsFinal = "This payment was refunded as confirmed fraud; its decision can no longer change.";

    /// <summary>
    /// Credits a charged payment confirmed as fraud back to the card, exactly once. Never for an uncharged payment
    /// (declined, held, declined after review, seeded history) and never for one not labelled fraud.
    /// </summary>
    public void Refund(DateTime nowUtc)
    {
        if (Label != FraudLabel.Fraud) throw new DomainException("Only a payment confirmed as fraud is refunded.");
        if (!WasCharged) throw new DomainException("This payment was never charged, so there is nothing to refund.");
        if (IsRefunded) throw new DomainException("This payment has already been refunded.", DomainErrorCode.StateChanged);
        if (Card is null) throw new InvalidOperationException("The card must be loaded to refund a payment.");
        Card.Credit(Amount);
        RefundedUtc = nowUtc;
        RefundReason = RefundReasons.ConfirmedFraud;
        RowVersion = Guid.NewGuid();
    }

    /// <summary>
    /// Settles a labelled payment held for review, once: legitimate is charged to the card if the card can still
    /// take it (otherwise declined with the reason); fraud is declined and never charged.
    /// </summary>
    public void SettleReview(IssuerTime now)
    {
        if (Verdict?.Decision != Decision.Review) throw new DomainException("Only a payment held for review can be settled.");
        if (Settlement is not null) throw new DomainException("This payment has already been settled.", DomainErrorCode.StateChanged);
        if (Label == FraudLabel.Unknown) throw new DomainException("A held payment is settled by the analyst's decision; label it first.");
        string? refusal;
        if (Label == FraudLabel.Fraud)
        {
            refusal = DeclineReasons.ConfirmedFraud;
        }
        else
        {
            if (Card is null) throw new InvalidOperationException("The card must be loaded to settle a payment.");
            // The review can take days: the card may have expired, its account closed or its credit been used meanwhile.
            refusal = Card.CardHolder is { IsErased: true } ? DeclineReasons.AccountClosed
                : Card.StoppedAs == CardStop.LostOrStolen ? DeclineReasons.CardLostOrStolen
                : Card.StoppedAs == CardStop.Blocked ? DeclineReasons.CardBlocked
                : Card.StoppedAs == CardStop.Removed ? DeclineReasons.CardRemoved
                : Card.IsExpired(now.Date) ? DeclineReasons.CardExpired
                : !Card.CanCharge(Amount) ? DeclineReasons.InsufficientCredit
                : null;
        }
        if (refusal is null) Card!.Charge(Amount);
        Settlement = refusal is null ? ReviewSettlement.Charged : ReviewSettlement.Declined;
        SettlementReason = refusal;
        SettledUtc = now.Utc;
        RowVersion = Guid.NewGuid();
    }

    private static void EnsureAmount(decimal amount)
    {
        if (amount <= 0) throw new DomainException("The amount must be positive.");
        if (amount > 1_000_000m) throw new DomainException("The amount is too large.");
        if (decimal.Round(amount, 2) != amount) throw new DomainException("The amount can have at most two decimals.");
    }
}

public enum Decision
{
    Approved = 0,
    Review = 1,
    Declined = 2,
}

/// <summary>The outcome of a payment held for review, once an analyst has decided it.</summary>
public enum ReviewSettlement
{
    /// <summary>Cleared as legitimate and charged to the card: "approved after review".</summary>
    Charged = 1,
    /// <summary>Confirmed fraud, or the card could no longer take it: never charged.</summary>
    Declined = 2,
}

/// <summary>Why a card holder cannot dispute a payment as "this was me" (<see cref="CardTransaction.WhyNotThisWasMe"/>).</summary>
public enum ThisWasMeRefusal
{
    /// <summary>It was charged: there is no stop to dispute.</summary>
    WentThrough,
    /// <summary>Declined because the amount was over the card's available credit, not by the fraud check.</summary>
    DeclinedForCredit,
    /// <summary>An analyst has already found that the holder made it (a decision, so a conflict in the API, as "not me" on confirmed fraud is).</summary>
    AlreadyFoundTheirs,
}

/// <summary>
/// Why a payment was declined, as stored with it and shown to its holder. The stored English is the translation key:
/// the pages show it in the visitor's language.
/// </summary>
public static class DeclineReasons
{
    public const string HighRisk = "This payment looked too risky to approve.";
    public const string InsufficientCredit = "The amount is over the card's available credit.";
    public const string ConfirmedFraud = "Our review found that this payment was not made by the card holder.";
    public const string CardExpired = "The card expired before the review was finished.";
    public const string AccountClosed = "The card's account was closed before the review was finished.";
    public const string ClearedAfterDecline = "Declined as fraud at first; a later review found it was yours. It was never charged: make it again if you still want to.";
    public const string CardRemoved = "The card was removed before the review was finished.";
    public const string CardLostOrStolen = "The card was reported lost or stolen before the review was finished.";
    public const string CardBlocked = "The card was blocked by the bank when the review was finished.";

    /// <summary>Every reason (the translation keys; a test checks each has its translation).</summary>
    public static IReadOnlyList<string> All { get; } = [HighRisk, InsufficientCredit, ConfirmedFraud, CardExpired, AccountClosed, ClearedAfterDecline, CardRemoved, CardLostOrStolen, CardBlocked];

    /// <summary>
    /// Why a payment stopped, as its holder reads it (its page and the API alike): the review's reason, else the
    /// verdict's. A payment declined at once (not for credit) and found to be the holder's later, through an upheld
    /// "this was me", says so as a held payment's review does: "too risky" is no longer the whole story.
    /// </summary>
    public static string? Shown(PaymentStatus status, FraudLabel label, string? settlementReason, string? declineReason) =>
        status == PaymentStatus.Declined && label == FraudLabel.Legitimate && settlementReason is null && declineReason != InsufficientCredit
            ? ClearedAfterDecline
            : settlementReason ?? declineReason;
}

/// <summary>Why a payment was credited back, as stored with it (the English is the translation key).</summary>
public static class RefundReasons
{
    public const string ConfirmedFraud = "Refunded: our review confirmed that this payment was not made by the card holder.";

    /// <summary>Every reason (the translation keys; a test checks each has its translation).</summary>
    public static IReadOnlyList<string> All { get; } = [ConfirmedFraud];
}

/// <summary>
/// The scorer's verdict on one transaction: 0-99 risk score, decision, model version, the top feature
/// contributions (JSON array of <see cref="VerdictReason"/>) and how long scoring took.
/// </summary>
public sealed record Verdict(
    int RiskScore,
    Decision Decision,
    string ModelVersion,
    string ReasonsJson,
    double ScoringMilliseconds,
    string? DeclineReason)
{
    public int RiskScore { get; init; } = RiskScore is >= 0 and <= 99 ? RiskScore
        : throw new ArgumentOutOfRangeException(nameof(RiskScore), "A risk score is between 0 and 99.");

    /// <summary>The rule that decided, when one did (the risk score is still the model's, for retraining).</summary>
    public long? RuleId { get; init; }

    /// <summary>For staff: which rule or list decided ("Rule 12 v3 'New cards, big amounts' (review)"); null when the model did.</summary>
    public string? DecidedBy { get; init; }
}

/// <summary>
/// The 0-99 risk score of a fraud probability: floor(p * 100), capped at 99. Monotone, so thresholds on the score are
/// thresholds on the probability.
/// </summary>
public static class RiskScale
{
    public static int FromProbability(double probability)
    {
        if (double.IsNaN(probability)) throw new ArgumentOutOfRangeException(nameof(probability), "The probability is NaN.");
        var score = (int)Math.Floor(Math.Clamp(probability, 0, 1) * 100);
        return Math.Min(score, 99);
    }
}

/// <summary>One feature's contribution to a verdict (margin units; positive pushes towards fraud) and its plain-words text.</summary>
public sealed record VerdictReason(string Feature, double Value, double Contribution, string Text);
