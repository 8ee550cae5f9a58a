using Superpower;
using Superpower.Model;
using System.Globalization;

namespace FraudWeb.Domain.Rules;

/// <summary>
/// Parses a rule with <see cref="RuleGrammar"/> (Superpower), then checks every name, list and type on the tree,
/// so what is saved always compiles and means what it says. Errors carry the 1-based character position.
/// </summary>
internal static class RuleParser
{
    public const int MaxLength = RuleParserLimits.MaxLength;
    private const int MaxDepth = 40;

    public static RuleNode Parse(string text, IReadOnlyDictionary<string, RuleListKind> lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        if (string.IsNullOrWhiteSpace(text)) throw Fail(1, "Write a condition, for example amount > 500 and card_age_days < 7.");
        if (text.Length > MaxLength) throw Fail(MaxLength + 1, "A rule has at most {0} characters.", MaxLength);
        var tokens = RuleGrammar.Tokenizer.TryTokenize(text);
        if (!tokens.HasValue) throw TokenError(text, tokens.ErrorPosition.HasValue ? tokens.ErrorPosition.Absolute : text.Length);
        CheckDepth(tokens.Value);
        var parsed = RuleGrammar.Rule.TryParse(tokens.Value);
        if (!parsed.HasValue)
        {
            var position = parsed.ErrorPosition.HasValue ? parsed.ErrorPosition.Absolute + 1 : text.Length + 1;
            throw Unexpected(position, parsed);
        }
        var root = new Checker(lists).Check(parsed.Value);
        if (root.Type == RuleValueType.Card) throw CardOutsideList(root.Position);
        if (root.Type != RuleValueType.Boolean)
        {
            throw Fail(root.Position, "A rule must be a condition that is true or false, for example amount > 500.");
        }
        return root;
    }

    /// <summary>
    /// Superpower's "unexpected ..., expected ..." as a template whose parts translate on their own (the token's kind
    /// and the alternatives expected). The template must say exactly what Superpower said; when it would not (a message
    /// of Superpower's own), Superpower's words are kept as they are.
    /// </summary>
    private static RuleSyntaxException Unexpected(int position, TokenListParserResult<RuleToken, Syntax> parsed)
    {
        var message = parsed.FormatErrorMessageFragment();
        // Left over after a whole condition: only a joining word or the end may follow.
        if (!message.Contains(", expected", StringComparison.Ordinal)) message += ", expected `and`, `or` or the end of the rule";
        var english = char.ToUpperInvariant(message[0]) + message[1..] + ".";
        var templated = parsed.ErrorMessage is null ? UnexpectedTemplate(position, parsed) : null;
        return new RuleSyntaxException(templated is not null && templated.Message == english ? templated : new RuleError(position, english));
    }

    private static RuleError UnexpectedTemplate(int position, TokenListParserResult<RuleToken, Syntax> parsed)
    {
        var expected = parsed.Expectations is { Length: > 0 } expectations ? new RulePhraseList(expectations) : null;
        if (parsed.Remainder.IsAtEnd)
        {
            return expected is null
                ? RuleError.Format(position, "Unexpected end of input, expected `and`, `or` or the end of the rule.")
                : RuleError.Format(position, "Unexpected end of input, expected {0}.", expected);
        }
        var token = parsed.Remainder.ConsumeToken().Value;
        var value = token.ToStringValue();
        // As Superpower shows a token: clipped to 12 characters, in backquotes, after its category if it has one.
        var seen = "`" + (value.Length > 12 ? value[..9] + "..." : value) + "`";
        var category = token.Kind switch
        {
            RuleToken.Number => "number",
            RuleToken.Text => "text",
            RuleToken.Name => "name",
            RuleToken.ListRef => "list",
            RuleToken.And or RuleToken.Or or RuleToken.Not or RuleToken.In or RuleToken.True or RuleToken.False => "keyword",
            _ => null,
        };
        if (category is null)
        {
            return expected is null
                ? RuleError.Format(position, "Unexpected {0}, expected `and`, `or` or the end of the rule.", seen)
                : RuleError.Format(position, "Unexpected {0}, expected {1}.", seen, expected);
        }
        return expected is null
            ? RuleError.Format(position, "Unexpected {0} {1}, expected `and`, `or` or the end of the rule.", new RulePhrase(category), seen)
            : RuleError.Format(position, "Unexpected {0} {1}, expected {2}.", new RulePhrase(category), seen, expected);
    }

    /// <summary>Our words for what the tokenizer cannot read: an unclosed quote or a character rules do not use.</summary>
    private static RuleSyntaxException TokenError(string text, int index)
    {
        // A character no token uses is named wherever it is (the tokenizer may stop at the token before it).
        for (var i = index; i < text.Length; i++)
        {
            if (!IsRuleCharacter(text[i]))
            {
                return Fail(i + 1, "'{0}' is not allowed in a rule (use names, numbers, quoted text, comparisons, and/or/not, in @list).", text[i]);
            }
            if (char.IsWhiteSpace(text[i])) break;
        }
        if (index >= text.Length) return Fail(text.Length + 1, "Unexpected end of the rule.");
        var c = text[index];
        var word = new string(text[index..].TakeWhile(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.').ToArray());
        return c switch
        {
            '\'' or '"' => Fail(index + 1, "This text has no closing {0}.", c),
            '@' => Fail(index + 1, "Expected a list name after '@' (for example @blocked_cards)."),
            _ when word.Length == 0 => Fail(index + 1, "'{0}' is not allowed here (comparisons are < <= > >= = !=).", c),
            _ when char.IsAsciiDigit(c) => Fail(index + 1, "'{0}' is not a number (write numbers like 500 or 0.25).", word),
            _ => Fail(index + 1, "'{0}' is not a name, a number or an operator rules know.", word),
        };
    }

    private static bool IsRuleCharacter(char c) =>
        char.IsAsciiLetterOrDigit(c) || char.IsWhiteSpace(c) || "_.@'\"<>=!+-*/(),".Contains(c, StringComparison.Ordinal);

    /// <summary>Parentheses and prefix operators nest at most <see cref="MaxDepth"/> deep: the parser recurses on them.</summary>
    private static void CheckDepth(TokenList<RuleToken> tokens)
    {
        var depth = 0;
        var prefixes = 0;
        foreach (var token in tokens)
        {
            depth += token.Kind == RuleToken.OpenParen ? 1 : token.Kind == RuleToken.CloseParen ? -1 : 0;
            prefixes = token.Kind is RuleToken.Not or RuleToken.Minus or RuleToken.OpenParen ? prefixes + 1 : 0;
            if (depth > MaxDepth || prefixes > MaxDepth)
            {
                throw Fail(token.Position.Absolute + 1, "The rule is nested more than {0} levels deep.", MaxDepth);
            }
        }
    }

    /// <summary>Names, lists and types: turns the parsed tree into the typed tree the compiler takes.</summary>
    private sealed class Checker(IReadOnlyDictionary<string, RuleListKind> lists)
    {
        public RuleNode Check(Syntax syntax) => syntax switch
        {
            NumberSyntax n => new NumberNode(n.Position, n.Value),
            TextSyntax t => new TextNode(t.Position, t.Value),
            BooleanSyntax b => new BooleanNode(b.Position, b.Value),
            NameSyntax n => RuleVocabulary.TryGet(n.Name.ToLowerInvariant(), out var name) ? new NameNode(n.Position, name)
                : throw UnknownName(n),
            UnarySyntax { Operator: RuleToken.Not } u => new UnaryNode(u.Position, RuleOperator.Not, RequireBoolean(Operand(u), u.OperatorText), RuleValueType.Boolean),
            UnarySyntax u => new UnaryNode(u.Position, RuleOperator.Negate, RequireNumber(Operand(u), u.OperatorText), RuleValueType.Number),
            BinarySyntax b => Binary(b),
            ListSyntax l => List(l),
            SetSyntax s => Set(s),
            _ => throw new InvalidOperationException($"Unknown syntax {syntax.GetType().Name}."),
        };

        private RuleNode Operand(UnarySyntax unary)
        {
            var operand = Check(unary.Operand);
            if (operand.Type == RuleValueType.Card) throw CardOutsideList(operand.Position);
            return operand;
        }

        private BinaryNode Binary(BinarySyntax syntax)
        {
            var left = Check(syntax.Left);
            var right = Check(syntax.Right);
            var op = syntax.OperatorText;
            switch (syntax.Operator)
            {
                case RuleToken.And:
                case RuleToken.Or:
                    return new BinaryNode(syntax.Position, syntax.Operator == RuleToken.And ? RuleOperator.And : RuleOperator.Or,
                        RequireBoolean(left, op), RequireBoolean(right, op), RuleValueType.Boolean);
                case RuleToken.Plus:
                case RuleToken.Minus:
                case RuleToken.Star:
                case RuleToken.Slash:
                    var arithmetic = syntax.Operator switch
                    {
                        RuleToken.Plus => RuleOperator.Add,
                        RuleToken.Minus => RuleOperator.Subtract,
                        RuleToken.Star => RuleOperator.Multiply,
                        _ => RuleOperator.Divide,
                    };
                    return new BinaryNode(syntax.Position, arithmetic, RequireNumber(left, op), RequireNumber(right, op), RuleValueType.Number);
                default:
                    var comparison = syntax.Operator switch
                    {
                        RuleToken.Less => RuleOperator.Less,
                        RuleToken.LessEqual => RuleOperator.LessEqual,
                        RuleToken.Greater => RuleOperator.Greater,
                        RuleToken.GreaterEqual => RuleOperator.GreaterEqual,
                        RuleToken.Equal => RuleOperator.Equal,
                        _ => RuleOperator.NotEqual,
                    };
                    CheckComparable(left, right, comparison, syntax.Position, op);
                    CheckCanHold(left, right, comparison, op);
                    return new BinaryNode(syntax.Position, comparison, left, right, RuleValueType.Boolean);
            }
        }

        private ListNode List(ListSyntax syntax)
        {
            var left = Check(syntax.Operand);
            if (!lists.TryGetValue(syntax.ListName, out var kind))
            {
                throw Fail(syntax.ListPosition, "There is no list named @{0}.", syntax.ListName);
            }
            if (left is not NameNode { Name.ListKind: { } leftKind } name)
            {
                throw Fail(left.Position, "Only card, merchant or merchant_category can be tested against a list.");
            }
            if (leftKind != kind)
            {
                throw Fail(syntax.ListPosition, "@{0} is a {1} list; {2} can only be tested against a {3} list.",
                    syntax.ListName, KindText(kind), name.Name.Name, KindText(leftKind));
            }
            return new ListNode(syntax.Position, left, syntax.ListName, syntax.Negated);
        }

        private SetNode Set(SetSyntax syntax)
        {
            var left = Check(syntax.Operand);
            if (left.Type is not (RuleValueType.Number or RuleValueType.Text))
            {
                throw left.Type == RuleValueType.Card ? CardOutsideList(left.Position)
                    : Fail(left.Position, "Only a number or a text can be tested against a set of values.");
            }
            var items = new List<RuleNode>(syntax.Items.Count);
            foreach (var item in syntax.Items)
            {
                var node = Check(item);
                if (node.Type != left.Type)
                {
                    throw left.Type == RuleValueType.Number
                        ? Fail(node.Position, "The set's values must be numbers, like {0}.", Name(left))
                        : Fail(node.Position, "The set's values must be texts, like {0}.", Name(left));
                }
                CheckKnownValue(left, node);
                if (!syntax.Negated) CheckCanHold(left, node, RuleOperator.Equal, "=");
                items.Add(node);
            }
            return new SetNode(syntax.Position, left, items, syntax.Negated);
        }
    }

    private static RuleSyntaxException CardOutsideList(int position) => Fail(position, "card can only be tested against a card list: card in @list_name.");

    private static RuleNode RequireBoolean(RuleNode node, string op) => node.Type switch
    {
        RuleValueType.Boolean => node,
        RuleValueType.Card => throw CardOutsideList(node.Position),
        RuleValueType.Text => throw Fail(node.Position,
            "'{0}' joins conditions (true or false); {1} is a text. Compare it first, for example amount > 500.", op, Name(node)),
        _ => throw Fail(node.Position,
            "'{0}' joins conditions (true or false); {1} is a number. Compare it first, for example amount > 500.", op, Name(node)),
    };

    private static RuleNode RequireNumber(RuleNode node, string op) => node.Type switch
    {
        RuleValueType.Number => node,
        RuleValueType.Card => throw CardOutsideList(node.Position),
        RuleValueType.Text => throw Fail(node.Position, "'{0}' needs numbers; {1} is a text.", op, Name(node)),
        _ => throw Fail(node.Position, "'{0}' needs numbers; {1} is a condition.", op, Name(node)),
    };

    private static void CheckComparable(RuleNode left, RuleNode right, RuleOperator op, int position, string opText)
    {
        if (left.Type == RuleValueType.Card || right.Type == RuleValueType.Card)
        {
            throw CardOutsideList(position);
        }
        if (left.Type != right.Type)
        {
            throw Fail(position, "Cannot compare {0} ({1}) with {2} ({3}).", Name(left), TypeText(left.Type), Name(right), TypeText(right.Type));
        }
        if (left.Type != RuleValueType.Number && op is not (RuleOperator.Equal or RuleOperator.NotEqual))
        {
            throw left.Type == RuleValueType.Text
                ? Fail(position, "'{0}' compares numbers; texts are compared with = or !=.", opText)
                : Fail(position, "'{0}' compares numbers; conditions are compared with = or !=.", opText);
        }
        CheckKnownValue(left, right);
        CheckKnownValue(right, left);
    }

    /// <summary>A text compared with a name of known values (card_brand) must be one of them: a typo would never match.</summary>
    private static void CheckKnownValue(RuleNode name, RuleNode literal)
    {
        if (name is NameNode { Name.Values: { } values } known && literal is TextNode text
            && !values.Contains(text.Value, StringComparer.OrdinalIgnoreCase))
        {
            throw Fail(text.Position, "{0} is one of {1}; '{2}' never matches.", known.Name.Name, string.Join(", ", values), text.Value);
        }
    }

    /// <summary>
    /// A name with a range (hour 0-23, risk_score 0-99) compared with a number: a comparison no value in the range
    /// satisfies (hour = 24, risk_score > 500) would never match, so it is refused at the number, as a brand's typo is.
    /// </summary>
    private static void CheckCanHold(RuleNode left, RuleNode right, RuleOperator op, string opText)
    {
        if (left is NameNode { Name.Range: { } range } name && Constant(right) is { } value)
        {
            if (!range.CanHold(op, value)) throw NeverHolds(name.Name.Name, range, right.Position, Written(name.Name.Name, opText, value, op));
        }
        else if (right is NameNode { Name.Range: { } rightRange } rightName && Constant(left) is { } leftValue)
        {
            // 500 < amount is amount > 500.
            var flipped = op switch
            {
                RuleOperator.Less => RuleOperator.Greater,
                RuleOperator.LessEqual => RuleOperator.GreaterEqual,
                RuleOperator.Greater => RuleOperator.Less,
                RuleOperator.GreaterEqual => RuleOperator.LessEqual,
                _ => op,
            };
            if (!rightRange.CanHold(flipped, leftValue))
            {
                throw NeverHolds(rightName.Name.Name, rightRange, left.Position, $"{Number(leftValue)} {opText} {rightName.Name.Name}");
            }
        }
    }

    /// <summary>The value of a literal number, negative ones included (-3 is the negation of 3); null for anything else.</summary>
    private static double? Constant(RuleNode node) => node switch
    {
        NumberNode n => n.Value,
        UnaryNode { Operator: RuleOperator.Negate, Operand: NumberNode n } => -n.Value,
        _ => null,
    };

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>How the message quotes the refused part: the value alone for = and sets, else the comparison.</summary>
    private static string Written(string name, string opText, double value, RuleOperator op) =>
        op == RuleOperator.Equal ? Number(value) : $"{name} {opText} {Number(value)}";

    private static RuleSyntaxException NeverHolds(string name, NumberRange range, int position, string written) => range switch
    {
        { Max: double.PositiveInfinity, Whole: true } => Fail(position, "{0} is a whole number of at least {1}; {2} never matches.", name, Number(range.Min), written),
        { Max: double.PositiveInfinity, MinExclusive: true } => Fail(position, "{0} is more than {1}; {2} never matches.", name, Number(range.Min), written),
        { Max: double.PositiveInfinity } => Fail(position, "{0} is at least {1}; {2} never matches.", name, Number(range.Min), written),
        { Whole: true } => Fail(position, "{0} is a whole number from {1} to {2}; {3} never matches.", name, Number(range.Min), Number(range.Max), written),
        _ => Fail(position, "{0} is from {1} to {2}; {3} never matches.", name, Number(range.Min), Number(range.Max), written),
    };

    private static RuleSyntaxException UnknownName(NameSyntax syntax) => Suggestion(syntax.Name) is { } close
        ? Fail(syntax.Position, "'{0}' is not a name rules know; did you mean {1}?", syntax.Name, close)
        : Fail(syntax.Position, "'{0}' is not a name rules know (see the list of names beside the editor).", syntax.Name);

    /// <summary>The known name the word was most likely meant to be, or null.</summary>
    private static string? Suggestion(string word)
    {
        var lower = word.ToLowerInvariant();
        var names = RuleVocabulary.All.Select(n => n.Name).ToList();
        return names.Where(n => n.StartsWith(lower, StringComparison.Ordinal)).MinBy(n => n.Length)
            ?? names.Where(n => EditDistance(lower, n) <= 2).MinBy(n => EditDistance(lower, n))
            ?? names.Where(n => lower.StartsWith(n, StringComparison.Ordinal)).MaxBy(n => n.Length);
    }

    /// <summary>Levenshtein distance, for "did you mean" on a typo (names are short, so the quadratic cost is nothing).</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>How a message names a part of the rule: as written, or "this part" (words that translate) for a compound.</summary>
    private static object Name(RuleNode node) => node switch
    {
        NameNode n => n.Name.Name,
        NumberNode n => n.Value.ToString(CultureInfo.InvariantCulture),
        TextNode t => $"'{t.Value}'",
        BooleanNode b => b.Value ? "true" : "false",
        _ => new RulePhrase("this part"),
    };

    private static RulePhrase TypeText(RuleValueType type) => new(type switch
    {
        RuleValueType.Number => "number",
        RuleValueType.Text => "text",
        RuleValueType.Boolean => "condition",
        _ => "card",
    });

    private static RulePhrase KindText(RuleListKind kind) => new(kind switch
    {
        RuleListKind.Card => "card",
        RuleListKind.Merchant => "merchant",
        _ => "merchant category",
    });

    /// <summary>The error at <paramref name="position"/>: a message template (the translation key) and its values.</summary>
    private static RuleSyntaxException Fail(int position, string template, params object[] arguments) =>
        new(RuleError.Format(position, template, arguments));
}
