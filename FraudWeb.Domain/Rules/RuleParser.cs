using System.Globalization;

namespace FraudWeb.Domain.Rules;

/// <summary>
/// Recursive descent over the rule grammar, checking types as it goes (docs/rules.md has the grammar):
/// <code>
/// rule       := or
/// or         := and ("or" and)*
/// and        := not ("and" not)*
/// not        := "not" not | comparison
/// comparison := sum [ ("&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "=" | "==" | "!=" | "&lt;&gt;") sum
///                   | ["not"] "in" ( "@" list | "(" literal ("," literal)* ")" ) ]
/// sum        := product (("+" | "-") product)*
/// product    := unary (("*" | "/") unary)*
/// unary      := "-" unary | value
/// value      := number | 'text' | "text" | true | false | name | "(" or ")"
/// </code>
/// </summary>
internal sealed class RuleParser
{
    public const int MaxLength = RuleParserLimits.MaxLength;
    private const int MaxDepth = 40;

    private readonly List<Token> _tokens;
    private readonly IReadOnlyDictionary<string, RuleListKind> _lists;
    private int _next;
    private int _depth;

    private RuleParser(List<Token> tokens, IReadOnlyDictionary<string, RuleListKind> lists)
    {
        _tokens = tokens;
        _lists = lists;
    }

    public static RuleNode Parse(string text, IReadOnlyDictionary<string, RuleListKind> lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        if (string.IsNullOrWhiteSpace(text)) throw Fail(1, "Write a condition, for example amount > 500 and card_age_days < 7.");
        if (text.Length > MaxLength) throw Fail(MaxLength + 1, $"A rule has at most {MaxLength} characters.");
        var parser = new RuleParser(RuleLexer.Tokenize(text), lists);
        var root = parser.ParseOr();
        var end = parser.Peek;
        if (end.Kind != TokenKind.End)
        {
            throw Fail(end.Position, $"Expected 'and', 'or' or the end of the rule, found {Describe(end)}.");
        }
        if (root.Type != RuleValueType.Boolean)
        {
            throw Fail(root.Position, "A rule must be a condition that is true or false, for example amount > 500.");
        }
        return root;
    }

    private Token Peek => _tokens[_next];

    private Token Take() => _tokens[_next++];

    private RuleNode ParseOr()
    {
        var left = ParseAnd();
        while (Peek.Kind == TokenKind.Or)
        {
            var op = Take();
            var right = ParseAnd();
            left = new BinaryNode(op.Position, RuleOperator.Or, RequireBoolean(left, op), RequireBoolean(right, op), RuleValueType.Boolean);
        }
        return left;
    }

    private RuleNode ParseAnd()
    {
        var left = ParseNot();
        while (Peek.Kind == TokenKind.And)
        {
            var op = Take();
            var right = ParseNot();
            left = new BinaryNode(op.Position, RuleOperator.And, RequireBoolean(left, op), RequireBoolean(right, op), RuleValueType.Boolean);
        }
        return left;
    }

    private RuleNode ParseNot()
    {
        if (Peek.Kind != TokenKind.Not) return ParseComparison();
        var op = Take();
        Enter(op);
        var operand = ParseNot();
        _depth--;
        return new UnaryNode(op.Position, RuleOperator.Not, RequireBoolean(operand, op), RuleValueType.Boolean);
    }

    private RuleNode ParseComparison()
    {
        var left = ParseSum();
        var token = Peek;
        if (token.Kind == TokenKind.In || (token.Kind == TokenKind.Not && _tokens[_next + 1].Kind == TokenKind.In))
        {
            var negated = token.Kind == TokenKind.Not;
            if (negated) Take();
            Take();
            return Peek.Kind == TokenKind.ListRef ? ParseListMembership(left, token, negated) : ParseSetMembership(left, token, negated);
        }
        var op = token.Kind switch
        {
            TokenKind.Less => RuleOperator.Less,
            TokenKind.LessEqual => RuleOperator.LessEqual,
            TokenKind.Greater => RuleOperator.Greater,
            TokenKind.GreaterEqual => RuleOperator.GreaterEqual,
            TokenKind.Equal => RuleOperator.Equal,
            TokenKind.NotEqual => RuleOperator.NotEqual,
            _ => (RuleOperator?)null,
        };
        if (op is null)
        {
            if (left.Type == RuleValueType.Card) throw Fail(left.Position, "card can only be tested against a card list: card in @list_name.");
            return left;
        }
        Take();
        var right = ParseSum();
        CheckComparable(left, right, op.Value, token);
        return new BinaryNode(token.Position, op.Value, left, right, RuleValueType.Boolean);
    }

    private ListNode ParseListMembership(RuleNode left, Token inToken, bool negated)
    {
        var list = Take();
        if (!_lists.TryGetValue(list.Text, out var kind))
        {
            throw Fail(list.Position, $"There is no list named @{list.Text}.");
        }
        if (left is not NameNode { Name.ListKind: { } leftKind } name)
        {
            throw Fail(left.Position, "Only card, merchant or merchant_category can be tested against a list.");
        }
        if (leftKind != kind)
        {
            throw Fail(list.Position, $"@{list.Text} is a {KindText(kind)} list; {name.Name.Name} can only be tested against a {KindText(leftKind)} list.");
        }
        return new ListNode(inToken.Position, left, list.Text, negated);
    }

    private SetNode ParseSetMembership(RuleNode left, Token inToken, bool negated)
    {
        if (left.Type is not (RuleValueType.Number or RuleValueType.Text))
        {
            throw Fail(left.Position, left.Type == RuleValueType.Card
                ? "card can only be tested against a card list: card in @list_name."
                : "Only a number or a text can be tested against a set of values.");
        }
        Expect(TokenKind.OpenParen, "'(' or '@' after 'in' (a set of values or a list)");
        var items = new List<RuleNode>();
        do
        {
            var item = Take();
            RuleNode node = item.Kind switch
            {
                TokenKind.Number => new NumberNode(item.Position, item.Number),
                TokenKind.Text => new TextNode(item.Position, item.Text),
                TokenKind.Minus when Peek.Kind == TokenKind.Number => new NumberNode(item.Position, -Take().Number),
                _ => throw Fail(item.Position, $"Expected a number or a quoted text in the set, found {Describe(item)}."),
            };
            if (node.Type != left.Type) throw Fail(item.Position, $"The set's values must be {TypeText(left.Type)}s, like {Name(left)}.");
            CheckKnownValue(left, node);
            items.Add(node);
        }
        while (Peek.Kind == TokenKind.Comma && Take().Kind == TokenKind.Comma);
        Expect(TokenKind.CloseParen, "',' or ')' in the set of values");
        return new SetNode(inToken.Position, left, items, negated);
    }

    private RuleNode ParseSum()
    {
        var left = ParseProduct();
        while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Take();
            var right = ParseProduct();
            left = new BinaryNode(op.Position, op.Kind == TokenKind.Plus ? RuleOperator.Add : RuleOperator.Subtract,
                RequireNumber(left, op), RequireNumber(right, op), RuleValueType.Number);
        }
        return left;
    }

    private RuleNode ParseProduct()
    {
        var left = ParseUnary();
        while (Peek.Kind is TokenKind.Star or TokenKind.Slash)
        {
            var op = Take();
            var right = ParseUnary();
            left = new BinaryNode(op.Position, op.Kind == TokenKind.Star ? RuleOperator.Multiply : RuleOperator.Divide,
                RequireNumber(left, op), RequireNumber(right, op), RuleValueType.Number);
        }
        return left;
    }

    private RuleNode ParseUnary()
    {
        if (Peek.Kind != TokenKind.Minus) return ParseValue();
        var op = Take();
        Enter(op);
        var operand = ParseUnary();
        _depth--;
        return new UnaryNode(op.Position, RuleOperator.Negate, RequireNumber(operand, op), RuleValueType.Number);
    }

    private RuleNode ParseValue()
    {
        var token = Take();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new NumberNode(token.Position, token.Number);
            case TokenKind.Text:
                return new TextNode(token.Position, token.Text);
            case TokenKind.True:
            case TokenKind.False:
                return new BooleanNode(token.Position, token.Kind == TokenKind.True);
            case TokenKind.Name:
                if (RuleVocabulary.TryGet(token.Text.ToLowerInvariant(), out var name)) return new NameNode(token.Position, name);
                throw Fail(token.Position, $"'{token.Text}' is not a name rules know{Suggestion(token.Text)}");
            case TokenKind.OpenParen:
                Enter(token);
                var inner = ParseOr();
                _depth--;
                Expect(TokenKind.CloseParen, "')' to close the '(' at position " + token.Position.ToString(CultureInfo.InvariantCulture));
                return inner;
            case TokenKind.ListRef:
                throw Fail(token.Position, $"A list is used after 'in': card in @{token.Text}.");
            default:
                throw Fail(token.Position, $"Expected a value (a number, a quoted text, a name or '('), found {Describe(token)}.");
        }
    }

    private void Enter(Token token)
    {
        if (++_depth > MaxDepth) throw Fail(token.Position, $"The rule is nested more than {MaxDepth} levels deep.");
    }

    private void Expect(TokenKind kind, string what)
    {
        var token = Take();
        if (token.Kind != kind) throw Fail(token.Position, $"Expected {what}, found {Describe(token)}.");
    }

    private static RuleNode RequireBoolean(RuleNode node, Token op) => node.Type == RuleValueType.Boolean ? node
        : throw Fail(node.Position, $"'{op.Text}' joins conditions (true or false); {Name(node)} is {Article(node.Type)}. Compare it first, for example amount > 500.");

    private static RuleNode RequireNumber(RuleNode node, Token op) => node.Type == RuleValueType.Number ? node
        : throw Fail(node.Position, $"'{op.Text}' needs numbers; {Name(node)} is {Article(node.Type)}.");

    private static void CheckComparable(RuleNode left, RuleNode right, RuleOperator op, Token token)
    {
        if (left.Type == RuleValueType.Card || right.Type == RuleValueType.Card)
        {
            throw Fail(token.Position, "card can only be tested against a card list: card in @list_name.");
        }
        if (left.Type != right.Type)
        {
            throw Fail(token.Position, $"Cannot compare {Name(left)} ({TypeText(left.Type)}) with {Name(right)} ({TypeText(right.Type)}).");
        }
        if (left.Type != RuleValueType.Number && op is not (RuleOperator.Equal or RuleOperator.NotEqual))
        {
            throw Fail(token.Position, $"'{token.Text}' compares numbers; {TypeText(left.Type)}s are compared with = or !=.");
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
        var close = RuleVocabulary.All.Select(n => n.Name)
            .FirstOrDefault(n => n.StartsWith(lower, StringComparison.Ordinal) || lower.StartsWith(n, StringComparison.Ordinal))
            ?? RuleVocabulary.All.Select(n => n.Name).Where(n => EditDistance(lower, n) <= 2).OrderBy(n => EditDistance(lower, n)).FirstOrDefault();
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

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the rule",
        TokenKind.Text => $"'{token.Text}'",
        TokenKind.ListRef => $"@{token.Text}",
        _ => $"'{token.Text}'",
    };

    private static RuleSyntaxException Fail(int position, string message) => new(new RuleError(position, message));
}
