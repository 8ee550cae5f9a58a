using System.Globalization;

namespace FraudWeb.Domain.Rules;

/// <summary>Why a rule's text was refused: the 1-based character position and a message that says what was expected.</summary>
public sealed record RuleError(int Position, string Message)
{
    public override string ToString() => $"Position {Position.ToString(CultureInfo.InvariantCulture)}: {Message}";
}

/// <summary>A rule's text could not be parsed or does not type-check.</summary>
public sealed class RuleSyntaxException(RuleError error) : Exception(error?.ToString())
{
    public RuleError Error { get; } = error ?? throw new ArgumentNullException(nameof(error));
}

public static class RuleParserLimits
{
    /// <summary>The longest rule text accepted.</summary>
    public const int MaxLength = 2000;
}
