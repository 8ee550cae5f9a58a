namespace FraudWeb.Domain.Rules;

public enum RuleOperator
{
    And,
    Or,
    Not,
    Negate,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
}

/// <summary>A parsed, type-checked rule: the tree the compiler turns into a delegate. Positions are 1-based characters.</summary>
public abstract record RuleNode(int Position, RuleValueType Type);

public sealed record NumberNode(int Position, double Value) : RuleNode(Position, RuleValueType.Number);

public sealed record TextNode(int Position, string Value) : RuleNode(Position, RuleValueType.Text);

public sealed record BooleanNode(int Position, bool Value) : RuleNode(Position, RuleValueType.Boolean);

public sealed record NameNode(int Position, RuleName Name) : RuleNode(Position, Name.Type);

public sealed record UnaryNode(int Position, RuleOperator Operator, RuleNode Operand, RuleValueType Result) : RuleNode(Position, Result);

public sealed record BinaryNode(int Position, RuleOperator Operator, RuleNode Left, RuleNode Right, RuleValueType Result) : RuleNode(Position, Result);

/// <summary><c>x in @list</c> (or <c>not in</c>): membership of the card, merchant or category in a named list.</summary>
public sealed record ListNode(int Position, RuleNode Operand, string ListName, bool Negated) : RuleNode(Position, RuleValueType.Boolean);

/// <summary><c>x in (a, b, c)</c> (or <c>not in</c>) with literal items of x's type.</summary>
public sealed record SetNode(int Position, RuleNode Operand, IReadOnlyList<RuleNode> Items, bool Negated) : RuleNode(Position, RuleValueType.Boolean);
