using System.Globalization;
using Superpower;
using Superpower.Display;
using Superpower.Model;
using Superpower.Parsers;
using Superpower.Tokenizers;

namespace FraudWeb.Domain.Rules;

internal enum RuleToken
{
    None,
    [Token(Category = "number")] Number,
    [Token(Category = "text")] Text,
    [Token(Category = "name")] Name,
    [Token(Category = "list", Example = "@list_name")] ListRef,
    [Token(Category = "keyword", Example = "and")] And,
    [Token(Category = "keyword", Example = "or")] Or,
    [Token(Category = "keyword", Example = "not")] Not,
    [Token(Category = "keyword", Example = "in")] In,
    [Token(Category = "keyword", Example = "true")] True,
    [Token(Category = "keyword", Example = "false")] False,
    [Token(Example = "<")] Less,
    [Token(Example = "<=")] LessEqual,
    [Token(Example = ">")] Greater,
    [Token(Example = ">=")] GreaterEqual,
    [Token(Example = "=")] Equal,
    [Token(Example = "!=")] NotEqual,
    [Token(Example = "+")] Plus,
    [Token(Example = "-")] Minus,
    [Token(Example = "*")] Star,
    [Token(Example = "/")] Slash,
    [Token(Example = "(")] OpenParen,
    [Token(Example = ")")] CloseParen,
    [Token(Example = ",")] Comma,
}

/// <summary>The parsed rule before its names and types are checked (<see cref="RuleParser"/> does that). Positions are 1-based.</summary>
internal abstract record Syntax(int Position);

internal sealed record NumberSyntax(int Position, double Value) : Syntax(Position);

internal sealed record TextSyntax(int Position, string Value) : Syntax(Position);

internal sealed record BooleanSyntax(int Position, bool Value) : Syntax(Position);

internal sealed record NameSyntax(int Position, string Name) : Syntax(Position);

internal sealed record UnarySyntax(int Position, RuleToken Operator, string OperatorText, Syntax Operand) : Syntax(Position);

internal sealed record BinarySyntax(int Position, RuleToken Operator, string OperatorText, Syntax Left, Syntax Right) : Syntax(Position);

internal sealed record ListSyntax(int Position, Syntax Operand, string ListName, int ListPosition, bool Negated) : Syntax(Position);

internal sealed record SetSyntax(int Position, Syntax Operand, IReadOnlyList<Syntax> Items, bool Negated) : Syntax(Position);

/// <summary>
/// The rule language's tokens and grammar, with Superpower's tokenizer and parser combinators:
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
internal static class RuleGrammar
{
    public static Tokenizer<RuleToken> Tokenizer { get; } = new TokenizerBuilder<RuleToken>()
        .Ignore(Span.WhiteSpace)
        .Match(Span.EqualTo("<="), RuleToken.LessEqual)
        .Match(Span.EqualTo(">="), RuleToken.GreaterEqual)
        .Match(Span.EqualTo("=="), RuleToken.Equal)
        .Match(Span.EqualTo("!="), RuleToken.NotEqual)
        .Match(Span.EqualTo("<>"), RuleToken.NotEqual)
        .Match(Character.EqualTo('<'), RuleToken.Less)
        .Match(Character.EqualTo('>'), RuleToken.Greater)
        .Match(Character.EqualTo('='), RuleToken.Equal)
        .Match(Character.EqualTo('+'), RuleToken.Plus)
        .Match(Character.EqualTo('-'), RuleToken.Minus)
        .Match(Character.EqualTo('*'), RuleToken.Star)
        .Match(Character.EqualTo('/'), RuleToken.Slash)
        .Match(Character.EqualTo('('), RuleToken.OpenParen)
        .Match(Character.EqualTo(')'), RuleToken.CloseParen)
        .Match(Character.EqualTo(','), RuleToken.Comma)
        .Match(QuotedString.SqlStyle, RuleToken.Text)
        .Match(QuotedString.CStyle, RuleToken.Text)
        .Match(Span.Regex("(?:[0-9][0-9_]*(?:\\.[0-9][0-9_]*)?|\\.[0-9][0-9_]*)"), RuleToken.Number, requireDelimiters: true)
        .Match(Span.Regex("@[A-Za-z_][A-Za-z0-9_]*"), RuleToken.ListRef, requireDelimiters: true)
        .Match(Span.EqualToIgnoreCase("and"), RuleToken.And, requireDelimiters: true)
        .Match(Span.EqualToIgnoreCase("or"), RuleToken.Or, requireDelimiters: true)
        .Match(Span.EqualToIgnoreCase("not"), RuleToken.Not, requireDelimiters: true)
        .Match(Span.EqualToIgnoreCase("in"), RuleToken.In, requireDelimiters: true)
        .Match(Span.EqualToIgnoreCase("true"), RuleToken.True, requireDelimiters: true)
        .Match(Span.EqualToIgnoreCase("false"), RuleToken.False, requireDelimiters: true)
        .Match(Span.Regex("[A-Za-z_][A-Za-z0-9_]*"), RuleToken.Name, requireDelimiters: true)
        .Build();

    private static int At(Token<RuleToken> token) => token.Position.Absolute + 1;

    private static readonly TokenListParser<RuleToken, Syntax> Number =
        Token.EqualTo(RuleToken.Number).Select(t => (Syntax)new NumberSyntax(At(t), NumberOf(t)));

    private static readonly TokenListParser<RuleToken, Syntax> Text =
        Token.EqualTo(RuleToken.Text).Select(t => (Syntax)new TextSyntax(At(t), Unquote(t.ToStringValue())));

    private static readonly TokenListParser<RuleToken, Syntax> Boolean =
        Token.EqualTo(RuleToken.True).Or(Token.EqualTo(RuleToken.False)).Select(t => (Syntax)new BooleanSyntax(At(t), t.Kind == RuleToken.True));

    private static readonly TokenListParser<RuleToken, Syntax> Name =
        Token.EqualTo(RuleToken.Name).Select(t => (Syntax)new NameSyntax(At(t), t.ToStringValue()));

    private static readonly TokenListParser<RuleToken, Syntax> Parenthesised =
        from open in Token.EqualTo(RuleToken.OpenParen)
        from inner in Parse.Ref(() => Or!)
        from close in Token.EqualTo(RuleToken.CloseParen)
        select inner;

    private static readonly TokenListParser<RuleToken, Syntax> Value =
        Number.Or(Text).Or(Boolean).Or(Name).Or(Parenthesised).Named("value");

    private static readonly TokenListParser<RuleToken, Syntax> Unary =
        (from minus in Token.EqualTo(RuleToken.Minus)
         from operand in Parse.Ref(() => Unary!)
         select (Syntax)new UnarySyntax(At(minus), RuleToken.Minus, "-", operand))
        .Or(Value).Named("value");

    private static readonly TokenListParser<RuleToken, Syntax> Product =
        Parse.Chain(Token.EqualTo(RuleToken.Star).Or(Token.EqualTo(RuleToken.Slash)), Unary, Binary);

    private static readonly TokenListParser<RuleToken, Syntax> Sum =
        Parse.Chain(Token.EqualTo(RuleToken.Plus).Or(Token.EqualTo(RuleToken.Minus)), Product, Binary);

    private static readonly TokenListParser<RuleToken, Token<RuleToken>> Comparer =
        Token.EqualTo(RuleToken.LessEqual).Or(Token.EqualTo(RuleToken.GreaterEqual)).Or(Token.EqualTo(RuleToken.Less))
            .Or(Token.EqualTo(RuleToken.Greater)).Or(Token.EqualTo(RuleToken.Equal)).Or(Token.EqualTo(RuleToken.NotEqual));

    private static readonly TokenListParser<RuleToken, Syntax> SetItem =
        Number.Or(Text).Or(from minus in Token.EqualTo(RuleToken.Minus)
                           from number in Token.EqualTo(RuleToken.Number)
                           select (Syntax)new NumberSyntax(At(minus), -NumberOf(number)))
            .Named("number or quoted text");

    /// <summary>What follows "in": a list (@name) or a set of literals.</summary>
    private static readonly TokenListParser<RuleToken, Func<Syntax, Token<RuleToken>, bool, Syntax>> Membership =
        Token.EqualTo(RuleToken.ListRef).Select(list => (Func<Syntax, Token<RuleToken>, bool, Syntax>)((operand, op, negated) =>
                new ListSyntax(At(op), operand, list.ToStringValue()[1..].ToLowerInvariant(), At(list), negated)))
            .Or(from open in Token.EqualTo(RuleToken.OpenParen)
                from items in SetItem.AtLeastOnceDelimitedBy(Token.EqualTo(RuleToken.Comma))
                from close in Token.EqualTo(RuleToken.CloseParen)
                select (Func<Syntax, Token<RuleToken>, bool, Syntax>)((operand, op, negated) => new SetSyntax(At(op), operand, items, negated)))
            .Named("@list or a set of values in parentheses");

    private static readonly TokenListParser<RuleToken, Func<Syntax, Syntax>> ComparisonTail =
        (from op in Comparer
         from right in Sum
         select (Func<Syntax, Syntax>)(left => new BinarySyntax(At(op), op.Kind, op.ToStringValue(), left, right)))
        .Or((from not in Token.EqualTo(RuleToken.Not)
             from @in in Token.EqualTo(RuleToken.In)
             from target in Membership
             select (Func<Syntax, Syntax>)(left => target(left, not, true))).Try())
        .Or(from @in in Token.EqualTo(RuleToken.In)
            from target in Membership
            select (Func<Syntax, Syntax>)(left => target(left, @in, false)));

    private static readonly TokenListParser<RuleToken, Syntax> Comparison =
        from left in Sum
        from tail in ComparisonTail.Select(f => (Func<Syntax, Syntax>?)f).OptionalOrDefault()
        select tail is null ? left : tail(left);

    private static readonly TokenListParser<RuleToken, Syntax> Negation =
        (from not in Token.EqualTo(RuleToken.Not)
         from operand in Parse.Ref(() => Negation!)
         select (Syntax)new UnarySyntax(At(not), RuleToken.Not, "not", operand))
        .Or(Comparison).Named("condition");

    private static readonly TokenListParser<RuleToken, Syntax> And =
        Parse.Chain(Token.EqualTo(RuleToken.And), Negation, Binary);

    private static readonly TokenListParser<RuleToken, Syntax> Or =
        Parse.Chain(Token.EqualTo(RuleToken.Or), And, Binary);

    public static TokenListParser<RuleToken, Syntax> Rule { get; } = Or.AtEnd();

    private static Syntax Binary(Token<RuleToken> op, Syntax left, Syntax right) => new BinarySyntax(At(op), op.Kind, op.ToStringValue(), left, right);

    /// <summary>Digits with an optional fraction; underscores group digits (1_000).</summary>
    private static double NumberOf(Token<RuleToken> token) =>
        double.Parse(token.ToStringValue().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    private static string Unquote(string quoted)
    {
        var parser = quoted[0] == '\'' ? QuotedString.SqlStyle : QuotedString.CStyle;
        return parser.Parse(quoted);
    }
}
