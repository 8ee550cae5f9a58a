using FraudWeb.Domain.Features;

namespace FraudWeb.Domain.Retraining;

/// <summary>What is known of a transaction's truth: confirmed by an analyst (from a report or a review), or not yet.</summary>
public enum GroundTruth
{
    Unknown = 0,
    Fraud = 1,
    Legitimate = 2,
}

/// <summary>
/// A stored transaction with the ground truth known so far. CardId is the features' "customer". MaturesUnreported:
/// whether, unlabelled, it counts as legitimate once matured (false for a payment the fraud check stopped).
/// </summary>
public readonly record struct LabelledTransaction(
    long TransactionId,
    DateTime Timestamp,
    long CardId,
    long TerminalId,
    double Amount,
    GroundTruth Truth,
    bool CountsAsSpend = true,
    bool MaturesUnreported = true,
    DateTime? LabelledUtc = null)
{
    /// <summary>
    /// The features see only confirmed fraud as fraud, from when it was confirmed, and declined attempts as no spending,
    /// exactly as online scoring did (review: a fraud confirmed on day 20 counted in a day-10 payment's training features).
    /// </summary>
    public TransactionRecord ToRecord() =>
        new(TransactionId, Timestamp, CardId, TerminalId, Amount, Truth == GroundTruth.Fraud, CountsAsSpend, Truth == GroundTruth.Fraud ? LabelledUtc : null);
}
