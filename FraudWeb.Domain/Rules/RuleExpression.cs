namespace FraudWeb.Domain.Rules;

/// <summary>A rule's condition: parsed, type-checked and compiled once; <see cref="Matches"/> is what runs per payment.</summary>
public sealed class RuleExpression
{
    private readonly Func<RuleInput, bool> _matches;

    private RuleExpression(string text, RuleNode root)
    {
        Text = text;
        Root = root;
        _matches = RuleCompiler.Compile(root);
        Lists = Walk(root).OfType<ListNode>().Select(l => l.ListName).Distinct(StringComparer.Ordinal).ToArray();
    }

    public string Text { get; }
    public RuleNode Root { get; }
    /// <summary>The lists the rule names (lower-case).</summary>
    public IReadOnlyList<string> Lists { get; }

    /// <summary>
    /// Parses and compiles <paramref name="text"/> against the lists that exist (lower-case name to kind); throws
    /// <see cref="RuleSyntaxException"/> naming the position and what was expected.
    /// </summary>
    public static RuleExpression Parse(string text, IReadOnlyDictionary<string, RuleListKind> lists) =>
        new(text, RuleParser.Parse(text, lists));

    public static bool TryParse(string text, IReadOnlyDictionary<string, RuleListKind> lists, out RuleExpression? expression, out RuleError? error)
    {
        try
        {
            expression = Parse(text, lists);
            error = null;
            return true;
        }
        catch (RuleSyntaxException ex)
        {
            expression = null;
            error = ex.Error;
            return false;
        }
    }

    public bool Matches(RuleInput input) => _matches(input);

    private static IEnumerable<RuleNode> Walk(RuleNode node)
    {
        yield return node;
        var children = node switch
        {
            UnaryNode u => [u.Operand],
            BinaryNode b => [b.Left, b.Right],
            ListNode l => [l.Operand],
            SetNode s => [s.Operand, .. s.Items],
            _ => Array.Empty<RuleNode>(),
        };
        foreach (var child in children)
        {
            foreach (var descendant in Walk(child)) yield return descendant;
        }
    }
}
