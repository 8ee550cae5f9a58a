using System.Globalization;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Domain.Rules;

/// <summary>An enabled rule, compiled: the version that runs and its condition.</summary>
public sealed record CompiledRule(long Id, string Name, int Version, RuleAction Action, RuleExpression Expression);

/// <summary>A list and its current entries (fingerprints, merchant ids or category names).</summary>
public sealed record RuleListEntries(long Id, string Name, RuleListKind Kind, RuleListPurpose Purpose, IReadOnlyCollection<string> Values);

/// <summary>The rule or list that decided a payment.</summary>
public sealed record RuleHit(long? RuleId, long? ListId, string Name, int Version, RuleAction Action)
{
    /// <summary>For staff: "Rule 12 v3 'Big payments on new cards' (review)" or "Block list 'stolen_cards'".</summary>
    public string Describe() => RuleId is { } id
        ? $"Rule {id.ToString(CultureInfo.InvariantCulture)} v{Version.ToString(CultureInfo.InvariantCulture)} '{Name}' ({Action.ToString().ToLowerInvariant()})"
        : $"{Action} list '{Name}'";
}

public sealed record RuleDecision(Decision Decision, RuleHit? DecidedBy);

/// <summary>
/// The enabled rules and the lists, in the order they are evaluated (docs/rules.md), like Stripe Radar's:
/// <list type="number">
/// <item>allow lists, then allow rules: approve (the card's limit still applies when recording);</item>
/// <item>block lists, then block rules, then the model's block threshold: decline;</item>
/// <item>review rules, then the model's review threshold: hold for review;</item>
/// <item>otherwise approve.</item>
/// </list>
/// Within one action, rules run in id order and the first match decides. The model's thresholds act as its own block
/// and review rules, so a review rule never lowers the model's decline; only an allow can.
/// </summary>
public sealed class RuleBook
{
    public static RuleBook Empty { get; } = new([], []);

    private readonly CompiledRule[] _allowRules;
    private readonly CompiledRule[] _blockRules;
    private readonly CompiledRule[] _reviewRules;
    private readonly RuleListEntries[] _allowLists;
    private readonly RuleListEntries[] _blockLists;

    public RuleBook(IEnumerable<CompiledRule> rules, IEnumerable<RuleListEntries> lists)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(lists);
        var ordered = rules.OrderBy(r => r.Id).ToArray();
        _allowRules = ordered.Where(r => r.Action == RuleAction.Allow).ToArray();
        _blockRules = ordered.Where(r => r.Action == RuleAction.Block).ToArray();
        _reviewRules = ordered.Where(r => r.Action == RuleAction.Review).ToArray();
        var allLists = lists.OrderBy(l => l.Id).ToArray();
        _allowLists = allLists.Where(l => l.Purpose == RuleListPurpose.Allow).ToArray();
        _blockLists = allLists.Where(l => l.Purpose == RuleListPurpose.Block).ToArray();
        Lists = new RuleLists(allLists.ToDictionary(l => l.Name, l => new HashSet<string>(l.Values,
            l.Kind == RuleListKind.MerchantCategory ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal), StringComparer.Ordinal));
        RuleCount = ordered.Length;
    }

    /// <summary>Every list's entries: what <c>in @list</c> tests.</summary>
    public RuleLists Lists { get; }

    public int RuleCount { get; }

    /// <summary>No enabled rule and no allow or block list: the model decides alone.</summary>
    public bool IsEmpty => RuleCount == 0 && _allowLists.Length == 0 && _blockLists.Length == 0;

    /// <summary>The decision for a payment whose model decision (from its risk score) is <paramref name="modelDecision"/>.</summary>
    public RuleDecision Decide(RuleInput input, Decision modelDecision)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Lists = Lists;
        if (FirstList(_allowLists, input) is { } allowList) return new(Decision.Approved, allowList);
        if (FirstRule(_allowRules, input) is { } allowRule) return new(Decision.Approved, allowRule);
        if (FirstList(_blockLists, input) is { } blockList) return new(Decision.Declined, blockList);
        if (FirstRule(_blockRules, input) is { } blockRule) return new(Decision.Declined, blockRule);
        if (modelDecision == Decision.Declined) return new(Decision.Declined, null);
        if (FirstRule(_reviewRules, input) is { } reviewRule) return new(Decision.Review, reviewRule);
        return new(modelDecision, null);
    }

    private static RuleHit? FirstRule(CompiledRule[] rules, RuleInput input)
    {
        foreach (var rule in rules)
        {
            if (rule.Expression.Matches(input)) return new RuleHit(rule.Id, null, rule.Name, rule.Version, rule.Action);
        }
        return null;
    }

    private RuleHit? FirstList(RuleListEntries[] lists, RuleInput input)
    {
        foreach (var list in lists)
        {
            var key = list.Kind switch
            {
                RuleListKind.Card => input.CardFingerprint,
                RuleListKind.Merchant => input.MerchantKey,
                _ => input.MerchantCategory,
            };
            if (Lists.Contains(list.Name, key))
            {
                return new RuleHit(null, list.Id, list.Name, 0, list.Purpose == RuleListPurpose.Allow ? RuleAction.Allow : RuleAction.Block);
            }
        }
        return null;
    }
}
