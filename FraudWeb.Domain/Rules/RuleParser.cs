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
        if (text.Length > MaxLength) throw Fail(MaxLength + 1, $"A rule has at most {MaxLength} characters.");
        var tokens = RuleGrammar.Tokenizer.TryTokenize(text);
        if (!tokens.HasValue) throw TokenError(text, tokens.ErrorPosition.HasValue ? tokens.ErrorPosition.Absolute : text.Length);
        CheckDepth(tokens.Value);
        var parsed = RuleGrammar.Rule.TryParse(tokens.Value);
        if (!parsed.HasValue)
        {
            var position = parsed.ErrorPosition.HasValue ? parsed.ErrorPosition.Absolute + 1 : text.Length + 1;
            var message = parsed.FormatErrorMessageFragment();
            // Left over after a whole condition: only a joining word or the end may follow.
            if (!message.Contains(", expected", StringComparison.Ordinal)) message += ", expected `and`, `or` or the end of the rule";
            throw Fail(position, char.ToUpperInvariant(message[0]) + message[1..] + ".");
        }
        var root = new Checker(lists).Check(parsed.Value);
        if (root.Type == RuleValueType.Card) throw CardOutsideList(root.Position);
        if (root.Type != RuleValueType.Boolean)
        {
            throw Fail(root.Position, "A rule must be a condition that is true or false, for example amount > 500.");
        }
        return root;
    }

    /// <summary>Our words for what the tokenizer cannot read: an unclosed quote or a character rules do not use.</summary>
    private static RuleSyntaxException TokenError(string text, int index)
    {
        // A character no token uses is named wherever it is (the tokenizer may stop at the token before it).
        for (var i = index; i < text.Length; i++)
        {
            if (!IsRuleCharacter(text[i]))
            {
                return Fail(i + 1, $"'{text[i]}' is not allowed in a rule (use names, numbers, quoted text, comparisons, and/or/not, in @list).");
            }
            if (char.IsWhiteSpace(text[i])) break;
        }
        if (index >= text.Length) return Fail(text.Length + 1, "Unexpected end of the rule.");
        var c = text[index];
        var word = new string(text[index..].TakeWhile(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.').ToArray());
        return c switch
        {
            '\'' or '"' => Fail(index + 1, $"This text has no closing {c}."),
            '@' => Fail(index + 1, "Expected a list name after '@' (for example @blocked_cards)."),
            _ when word.Length == 0 => Fail(index + 1, $"'{c}' is not allowed here (comparisons are < <= > >= = !=)."),
            _ when char.IsAsciiDigit(c) => Fail(index + 1, $"'{word}' is not a number (write numbers like 500 or 0.25)."),
            _ => Fail(index + 1, $"'{word}' is not a name, a number or an operator rules know."),
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
                throw Fail(token.Position.Absolute + 1, $"The rule is nested more than {MaxDepth} levels deep.");
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
                : throw Fail(n.Position, $"'{n.Name}' is not a name rules know{Suggestion(n.Name)}"),
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
                    return new BinaryNode(syntax.Position, comparison, left, right, RuleValueType.Boolean);
            }
        }

        private ListNode List(ListSyntax syntax)
        {
            var left = Check(syntax.Operand);
            if (!lists.TryGetValue(syntax.ListName, out var kind))
            {
                throw Fail(syntax.ListPosition, $"There is no list named @{syntax.ListName}.");
            }
            if (left is not NameNode { Name.ListKind: { } leftKind } name)
            {
                throw Fail(left.Position, "Only card, merchant or merchant_category can be tested against a list.");
            }
            if (leftKind != kind)
            {
                throw Fail(syntax.ListPosition, $"@{syntax.ListName} is a {KindText(kind)} list; {name.Name.Name} can only be tested against a {KindText(leftKind)} list.");
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
                if (node.Type != left.Type) throw Fail(node.Position, $"The set's values must be {TypeText(left.Type)}s, like {Name(left)}.");
                CheckKnownValue(left, node);
                items.Add(node);
            }
            return new SetNode(syntax.Position, left, items, syntax.Negated);
        }
    }

    private static RuleSyntaxException CardOutsideList(int position) => Fail(position, "card can only be tested against a card list: card in @list_name.");

    private static RuleNode RequireBoolean(RuleNode node, string op) => node.Type == RuleValueType.Boolean ? node
        : node.Type == RuleValueType.Card ? throw CardOutsideList(node.Position)
        : throw Fail(node.Position, $"'{op}' joins conditions (true or false); {Name(node)} is {Article(node.Type)}. Compare it first, for example amount > 500.");

    private static RuleNode RequireNumber(RuleNode node, string op) => node.Type == RuleValueType.Number ? node
        : node.Type == RuleValueType.Card ? throw CardOutsideList(node.Position)
        : throw Fail(node.Position, $"'{op}' needs numbers; {Name(node)} is {Article(node.Type)}.");

    private static void CheckComparable(RuleNode left, RuleNode right, RuleOperator op, int position, string opText)
    {
        if (left.Type == RuleValueType.Card || right.Type == RuleValueType.Card)
        {
            throw CardOutsideList(position);
        }
        if (left.Type != right.Type)
        {
            throw Fail(position, $"Cannot compare {Name(left)} ({TypeText(left.Type)}) with {Name(right)} ({TypeText(right.Type)}).");
        }
        if (left.Type != RuleValueType.Number && op is not (RuleOperator.Equal or RuleOperator.NotEqual))
        {
            throw Fail(position, $"'{opText}' compares numbers; {TypeText(left.Type)}s are compared with = or !=.");
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
            throw Fail(text.Position, $"{known.Name.Name} is one of {string.Join(", ", values)}; '{text.Value}' never matches.");
        }
    }

    private static string Suggestion(string word)
    {
        var lower = word.ToLowerInvariant();
        var names = RuleVocabulary.All.Select(n => n.Name).ToList();
        var close = names.Where(n => n.StartsWith(lower, StringComparison.Ordinal)).MinBy(n => n.Length)
            ?? names.Where(n => EditDistance(lower, n) <= 2).MinBy(n => EditDistance(lower, n))
            ?? names.Where(n => lower.StartsWith(n, StringComparison.Ordinal)).MaxBy(n => n.Length);
        return close is null ? " (see the list of names beside the editor)." : $"; did you mean {close}?";
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

    private static string Name(RuleNode node) => node switch
    {
        NameNode n => n.Name.Name,
        NumberNode n => n.Value.ToString(CultureInfo.InvariantCulture),
        TextNode t => $"'{t.Value}'",
        BooleanNode b => b.Value ? "true" : "false",
        _ => "this part",
    };

    private static string TypeText(RuleValueType type) => type switch
    {
        RuleValueType.Number => "number",
        RuleValueType.Text => "text",
        RuleValueType.Boolean => "condition",
        _ => "card",
    };

    private static string Article(RuleValueType type) => type == RuleValueType.Text ? "a text" : "a " + TypeText(type);

    private static string KindText(RuleListKind kind) => kind switch
    {
        RuleListKind.Card => "card",
        RuleListKind.Merchant => "merchant",
        _ => "merchant category",
    };

    private static RuleSyntaxException Fail(int position, string message) => new(new RuleError(position, message));
}
