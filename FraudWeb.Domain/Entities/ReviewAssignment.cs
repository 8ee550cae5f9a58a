namespace FraudWeb.Domain.Entities;

/// <summary>
/// Who is working on a payment in the review queue: one analyst at a time, so two do not investigate the same
/// payment; anyone may still take it over (the audit log keeps from whom).
/// </summary>
public sealed class ReviewAssignment
{
    private ReviewAssignment()
    {
        AssigneeId = "";
    }

    public ReviewAssignment(long transactionId, string assigneeId, DateTime assignedUtc)
    {
        if (transactionId <= 0) throw new DomainException("An assignment is to a stored payment.");
        if (string.IsNullOrWhiteSpace(assigneeId)) throw new DomainException("An assignment is to someone.");
        TransactionId = transactionId;
        AssigneeId = assigneeId;
        AssignedUtc = assignedUtc;
    }

    public long TransactionId { get; private set; }
    public string AssigneeId { get; private set; }
    public DateTime AssignedUtc { get; private set; }

    /// <summary>Hands the payment to <paramref name="assigneeId"/> from whoever had it.</summary>
    public void TakeOver(string assigneeId, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(assigneeId)) throw new DomainException("An assignment is to someone.");
        AssigneeId = assigneeId;
        AssignedUtc = nowUtc;
    }
}
