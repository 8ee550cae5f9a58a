using System.Globalization;

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

    /// <summary>The card is blocked by the bank's staff: refused with its own reason (the API's <c>card-blocked</c>).</summary>
    Blocked,
}

/// <summary>
/// A business rule was broken; the message is meant for the user. The message is English; <see cref="Template"/> and
/// <see cref="Arguments"/> let the web layer say it in the user's language (the template is the translation key).
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(string message, DomainErrorCode code = DomainErrorCode.Invalid)
        : this(code, message, [])
    {
    }

    private DomainException(DomainErrorCode code, string template, object[] arguments)
        : base(arguments.Length == 0 ? template : string.Format(CultureInfo.InvariantCulture, template, arguments))
    {
        Code = code;
        Template = template;
        Arguments = arguments;
    }

    public DomainErrorCode Code { get; }

    /// <summary>The message with {0}-style holes (the message itself when it has no values).</summary>
    public string Template { get; }

    public IReadOnlyList<object> Arguments { get; }

    /// <summary>A message with values: <c>DomainException.Format("A reason has at most {0} characters.", 500)</c>.</summary>
    public static DomainException Format(string template, params object[] arguments) => new(DomainErrorCode.Invalid, template, arguments);

    /// <summary>A message with values and a code other than <see cref="DomainErrorCode.Invalid"/>.</summary>
    public static DomainException Format(DomainErrorCode code, string template, params object[] arguments) => new(code, template, arguments);
}
