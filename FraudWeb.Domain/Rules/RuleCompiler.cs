using System.Linq.Expressions;
using System.Reflection;

namespace FraudWeb.Domain.Rules;

/// <summary>
/// Turns a checked tree into a delegate through System.Linq.Expressions: only the nodes below exist, each mapped to
/// an arithmetic or comparison operator, a read of <see cref="RuleInput"/> or a set lookup, so no text from a rule
/// ever becomes code. Compiled once per saved rule; a call then costs a few nanoseconds.
/// </summary>
internal static class RuleCompiler
{
    private static readonly ParameterExpression Input = Expression.Parameter(typeof(RuleInput), "payment");
    private static readonly MethodInfo FeatureMethod = typeof(RuleInput).GetMethod(nameof(RuleInput.Feature))!;
    private static readonly MethodInfo ListContains = typeof(IRuleListMembership).GetMethod(nameof(IRuleListMembership.Contains))!;
    private static readonly MethodInfo TextEquals = typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo TextSetContains = typeof(HashSet<string>).GetMethod(nameof(HashSet<string>.Contains))!;
    private static readonly MethodInfo NumberSetContains = typeof(HashSet<double>).GetMethod(nameof(HashSet<double>.Contains))!;

    public static Func<RuleInput, bool> Compile(RuleNode root) =>
        Expression.Lambda<Func<RuleInput, bool>>(Build(root), Input).Compile();

    private static Expression Build(RuleNode node) => node switch
    {
        NumberNode n => Expression.Constant(n.Value),
        TextNode t => Expression.Constant(t.Value),
        BooleanNode b => Expression.Constant(b.Value),
        NameNode n => Read(n.Name),
        UnaryNode { Operator: RuleOperator.Not } u => Expression.Not(Build(u.Operand)),
        UnaryNode u => Expression.Negate(Build(u.Operand)),
        BinaryNode b => Binary(b),
        ListNode l => Negate(l.Negated, Expression.Call(Expression.Property(Input, nameof(RuleInput.Lists)), ListContains,
            Expression.Constant(l.ListName), ListKey((NameNode)l.Operand))),
        SetNode s => Negate(s.Negated, Set(s)),
        _ => throw new InvalidOperationException($"Unknown rule node {node.GetType().Name}."),
    };

    private static Expression Negate(bool negated, Expression condition) => negated ? Expression.Not(condition) : condition;

    private static Expression Binary(BinaryNode node)
    {
        var left = AsFeature(node.Right, node.Left) ?? Build(node.Left);
        var right = AsFeature(node.Left, node.Right) ?? Build(node.Right);
        if (node.Left.Type == RuleValueType.Text)
        {
            var equal = Expression.Call(TextEquals, left, right, Expression.Constant(StringComparison.OrdinalIgnoreCase));
            return node.Operator == RuleOperator.Equal ? equal : Expression.Not(equal);
        }
        return node.Operator switch
        {
            RuleOperator.And => Expression.AndAlso(left, right),
            RuleOperator.Or => Expression.OrElse(left, right),
            RuleOperator.Less => Expression.LessThan(left, right),
            RuleOperator.LessEqual => Expression.LessThanOrEqual(left, right),
            RuleOperator.Greater => Expression.GreaterThan(left, right),
            RuleOperator.GreaterEqual => Expression.GreaterThanOrEqual(left, right),
            RuleOperator.Equal => Expression.Equal(left, right),
            // docs/rules.md: any comparison with NaN is false, "<>" too (.NET's != is true for NaN): less or greater.
            RuleOperator.NotEqual => left.Type == typeof(double)
                ? Expression.OrElse(Expression.LessThan(left, right), Expression.GreaterThan(left, right))
                : Expression.NotEqual(left, right),
            RuleOperator.Add => Expression.Add(left, right),
            RuleOperator.Subtract => Expression.Subtract(left, right),
            RuleOperator.Multiply => Expression.Multiply(left, right),
            RuleOperator.Divide => Expression.Divide(left, right),
            _ => throw new InvalidOperationException($"Operator {node.Operator} is not binary."),
        };
    }

    private static MethodCallExpression Set(SetNode node)
    {
        if (node.Operand.Type == RuleValueType.Text)
        {
            var texts = new HashSet<string>(node.Items.Cast<TextNode>().Select(t => t.Value), StringComparer.OrdinalIgnoreCase);
            return Expression.Call(Expression.Constant(texts), TextSetContains, Build(node.Operand));
        }
        var feature = IsFeature(node.Operand);
        var numbers = new HashSet<double>(node.Items.Cast<NumberNode>().Select(n => feature ? (double)(float)n.Value : n.Value));
        return Expression.Call(Expression.Constant(numbers), NumberSetContains, Build(node.Operand));
    }

    /// <summary>
    /// Features are stored as float: a literal compared with one is rounded to float the same way, so
    /// <c>terminal_risk_7day &lt;= 0.3</c> holds for a stored 0.3 (0.3f is 0.30000001 as a double).
    /// </summary>
    private static ConstantExpression? AsFeature(RuleNode other, RuleNode node) =>
        node is NumberNode number && IsFeature(other) ? Expression.Constant((double)(float)number.Value) : null;

    private static bool IsFeature(RuleNode node) => node is NameNode name && RuleVocabulary.FeatureIndex(name.Name.Name) >= 0;

    private static Expression Read(RuleName name)
    {
        var feature = RuleVocabulary.FeatureIndex(name.Name);
        if (feature >= 0) return Expression.Call(Input, FeatureMethod, Expression.Constant(feature));
        return name.Name switch
        {
            "amount" => Expression.Property(Input, nameof(RuleInput.Amount)),
            "merchant" => Expression.Property(Input, nameof(RuleInput.MerchantName)),
            "merchant_id" => Expression.Convert(Expression.Property(Input, nameof(RuleInput.MerchantId)), typeof(double)),
            "merchant_category" => Expression.Property(Input, nameof(RuleInput.MerchantCategory)),
            "card_brand" => Expression.Property(Input, nameof(RuleInput.CardBrand)),
            "card_age_days" => Expression.Property(Input, nameof(RuleInput.CardAgeDays)),
            "hour" => Expression.Convert(Expression.Property(Input, nameof(RuleInput.Hour)), typeof(double)),
            "risk_score" => Expression.Convert(Expression.Property(Input, nameof(RuleInput.RiskScore)), typeof(double)),
            _ => throw new InvalidOperationException($"The name {name.Name} has no value to read."),
        };
    }

    /// <summary>What a list of the name's kind stores: the card's fingerprint, the merchant's id, the category's name.</summary>
    private static MemberExpression ListKey(NameNode name) => name.Name.ListKind switch
    {
        RuleListKind.Card => Expression.Property(Input, nameof(RuleInput.CardFingerprint)),
        RuleListKind.Merchant => Expression.Property(Input, nameof(RuleInput.MerchantKey)),
        RuleListKind.MerchantCategory => Expression.Property(Input, nameof(RuleInput.MerchantCategory)),
        _ => throw new InvalidOperationException($"{name.Name.Name} cannot be tested against a list."),
    };
}
