namespace FraudWeb.Domain.Entities;

/// <summary>
/// One administrator action, append-only: created once and never changed (no mutators; on SQLite a trigger refuses
/// UPDATE and DELETE). Before/After are JSON snapshots without card numbers or passwords.
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
        ActorId = ActorEmail = Action = TargetType = TargetId = "";
    }

    public long Id { get; private init; }
    public DateTime TimestampUtc { get; private init; }
    public string ActorId { get; private init; }
    /// <summary>Kept as text so the entry still names the actor after that account is gone.</summary>
    public string ActorEmail { get; private init; }
    public string Action { get; private init; }
    public string TargetType { get; private init; }
    public string TargetId { get; private init; }
    public string? Before { get; private init; }
    public string? After { get; private init; }

    public static AuditEntry Record(string actorId, string actorEmail, string action, string targetType, string targetId,
        string? before, string? after, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetType);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetId);
        if (nowUtc.Kind != DateTimeKind.Utc) throw new ArgumentException("Timestamps are UTC.", nameof(nowUtc));
        return new AuditEntry
        {
            TimestampUtc = nowUtc,
            ActorId = actorId,
            ActorEmail = actorEmail ?? "",
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Before = before,
            After = after,
        };
    }
}
