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

internal enum TokenKind
{
    Number,
    Text,
    Name,
    ListRef,
    And,
    Or,
    Not,
    In,
    True,
    False,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
    Plus,
    Minus,
    Star,
    Slash,
    OpenParen,
    CloseParen,
    Comma,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Position, double Number = 0);

/// <summary>Splits a rule's text into tokens; positions are 1-based characters.</summary>
internal static class RuleLexer
{
    private static readonly Dictionary<string, TokenKind> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["and"] = TokenKind.And,
        ["or"] = TokenKind.Or,
        ["not"] = TokenKind.Not,
        ["in"] = TokenKind.In,
        ["true"] = TokenKind.True,
        ["false"] = TokenKind.False,
    };

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "end of the rule", text.Length + 1));
                return tokens;
            }
            var start = i;
            var c = text[i];
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.' || text[i] == '_')) i++;
                var literal = text[start..i];
                if (!double.TryParse(literal.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                    || !double.IsFinite(number))
                {
                    throw Error(start, $"'{literal}' is not a number (write numbers like 500 or 0.25).");
                }
                tokens.Add(new Token(TokenKind.Number, literal, start + 1, number));
                continue;
            }
            if (c is '"' or '\'')
            {
                i++;
                while (i < text.Length && text[i] != c) i++;
                if (i >= text.Length) throw Error(start, $"This text has no closing {c}.");
                tokens.Add(new Token(TokenKind.Text, text[(start + 1)..i], start + 1));
                i++;
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_' || c == '@')
            {
                i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_' || text[i] == '-')) i++;
                var word = text[start..i];
                if (c == '@')
                {
                    if (word.Length == 1) throw Error(start, "Expected a list name after '@' (for example @blocked_cards).");
                    tokens.Add(new Token(TokenKind.ListRef, word[1..].ToLowerInvariant(), start + 1));
                }
                else if (Keywords.TryGetValue(word, out var keyword))
                {
                    tokens.Add(new Token(keyword, word, start + 1));
                }
                else
                {
                    tokens.Add(new Token(TokenKind.Name, word, start + 1));
                }
                continue;
            }
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            (TokenKind Kind, int Length) op = (c, next) switch
            {
                ('<', '=') => (TokenKind.LessEqual, 2),
                ('>', '=') => (TokenKind.GreaterEqual, 2),
                ('=', '=') => (TokenKind.Equal, 2),
                ('!', '=') => (TokenKind.NotEqual, 2),
                ('<', '>') => (TokenKind.NotEqual, 2),
                ('<', _) => (TokenKind.Less, 1),
                ('>', _) => (TokenKind.Greater, 1),
                ('=', _) => (TokenKind.Equal, 1),
                ('+', _) => (TokenKind.Plus, 1),
                ('-', _) => (TokenKind.Minus, 1),
                ('*', _) => (TokenKind.Star, 1),
                ('/', _) => (TokenKind.Slash, 1),
                ('(', _) => (TokenKind.OpenParen, 1),
                (')', _) => (TokenKind.CloseParen, 1),
                (',', _) => (TokenKind.Comma, 1),
                _ => throw Error(start, $"'{c}' is not allowed in a rule (use names, numbers, quoted text, comparisons, and/or/not, in @list)."),
            };
            tokens.Add(new Token(op.Kind, text.Substring(start, op.Length), start + 1));
            i += op.Length;
        }
    }

    private static RuleSyntaxException Error(int index, string message) => new(new RuleError(index + 1, message));
}

public static class RuleParserLimits
{
    /// <summary>The longest rule text accepted.</summary>
    public const int MaxLength = 2000;
}
