namespace FraudWeb.Domain.Entities;

/// <summary>
/// One administrator action, append-only: created once and never changed (no mutators; on SQLite a trigger refuses
/// UPDATE and DELETE). Before/After are JSON snapshots without card numbers, passwords or personal data: people are
/// named by their stable user id only, so erasing a person leaves nothing about them here (ADR 0004).
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
        ActorId = Action = TargetType = TargetId = "";
    }

    public long Id { get; private init; }
    public DateTime TimestampUtc { get; private init; }
    public string ActorId { get; private init; }
    public string Action { get; private init; }
    public string TargetType { get; private init; }
    public string TargetId { get; private init; }
    public string? Before { get; private init; }
    public string? After { get; private init; }

    public static AuditEntry Record(string actorId, string action, string targetType, string targetId,
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
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Before = before,
            After = after,
        };
    }
}
