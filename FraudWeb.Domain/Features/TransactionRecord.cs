namespace FraudWeb.Domain.Features;

/// <summary>
/// The raw fields every feature is computed from. CustomerId is the card (the handbook's
/// "customer"); IsFraud is the label as known at computation time.
/// </summary>
public readonly record struct TransactionRecord(
    long TransactionId,
    DateTime Timestamp,
    long CustomerId,
    long TerminalId,
    double Amount,
    bool IsFraud);
