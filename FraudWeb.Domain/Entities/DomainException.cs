namespace FraudWeb.Domain.Entities;

/// <summary>Which kind of rule an entity refused: callers branch on it, never on the message.</summary>
public enum DomainErrorCode
{
    /// <summary>The values given break a rule (an amount, a name, a date).</summary>
    Invalid,

    /// <summary>The entity has already moved past the state the change needs (decided, settled, refunded).</summary>
    StateChanged,

    /// <summary>The entity's state is final: nothing may change it again (a refunded fraud).</summary>
    Final,
}

/// <summary>A business rule was broken; the message is meant for the user.</summary>
public sealed class DomainException(string message, DomainErrorCode code = DomainErrorCode.Invalid) : Exception(message)
{
    public DomainErrorCode Code { get; } = code;
}
