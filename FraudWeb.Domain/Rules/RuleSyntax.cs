using System.Globalization;

namespace FraudWeb.Domain.Rules;

/// <summary>
/// Why a rule's text was refused: the 1-based character position and a message that says what was expected. The
/// message is English; <see cref="Template"/> and <see cref="Arguments"/> let the web layer say it in the user's
/// language (the template is the translation key; a <see cref="RulePhrase"/> or <see cref="RulePhraseList"/> argument
/// is English prose that translates on its own).
/// </summary>
public sealed record RuleError(int Position, string Message)
{
    /// <summary>The message with {0}-style holes (the message itself when it has no values).</summary>
    public string Template { get; init; } = Message;

    /// <summary>The values of the holes in <see cref="Template"/>.</summary>
    public IReadOnlyList<object> Arguments { get; init; } = [];

    public override string ToString() => $"Position {Position.ToString(CultureInfo.InvariantCulture)}: {Message}";

    /// <summary>An error whose message is <paramref name="template"/> with the values filled in (in English).</summary>
    public static RuleError Format(int position, string template, params object[] arguments)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(arguments);
        var message = arguments.Length == 0 ? template : string.Format(CultureInfo.InvariantCulture, template, arguments);
        return new RuleError(position, message) { Template = template, Arguments = arguments };
    }
}

/// <summary>English words inside a rule error ("number", "merchant category", "this part"): a translation key of their own.</summary>
public sealed record RulePhrase(string English)
{
    public override string ToString() => English;
}

/// <summary>What the parser expected instead ("`)`, value or condition"): each item a phrase of its own, joined with "or".</summary>
public sealed record RulePhraseList(IReadOnlyList<string> Items)
{
    public override string ToString() =>
        Items.Count <= 1 ? string.Concat(Items) : string.Join(", ", Items.Take(Items.Count - 1)) + " or " + Items[^1];
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
