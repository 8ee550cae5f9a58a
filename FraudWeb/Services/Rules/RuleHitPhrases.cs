using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Infrastructure.Localization;

namespace FraudWeb.Services.Rules;

/// <summary>
/// Which rule or list decided a payment, stored in English with the verdict (<c>RuleHit.Describe</c>: "Rule 12 v3
/// 'Big payments' (review)", "Block list 'stolen'"), said in the page's language. A text of neither shape (written by
/// an older version) is shown as stored.
/// </summary>
public static partial class RuleHitPhrases
{
    public static string? Localized(string? decidedBy)
    {
        if (decidedBy is null) return null;
        if (RuleShape().Match(decidedBy) is { Success: true } rule)
        {
            return Text.Format("Rule {0} v{1} '{2}' ({3})", long.Parse(rule.Groups["id"].Value, CultureInfo.InvariantCulture),
                int.Parse(rule.Groups["version"].Value, CultureInfo.InvariantCulture), rule.Groups["name"].Value, Text.InContext("rule", rule.Groups["action"].Value));
        }
        if (ListShape().Match(decidedBy) is { Success: true } list)
        {
            var name = list.Groups["name"].Value;
            return list.Groups["action"].Value switch
            {
                "Allow" => Text.Format("Allow list '{0}'", name),
                "Block" => Text.Format("Block list '{0}'", name),
                _ => Text.Format("Review list '{0}'", name),
            };
        }
        return decidedBy;
    }

    [GeneratedRegex(@"^Rule (?<id>\d+) v(?<version>\d+) '(?<name>.*)' \((?<action>allow|block|review)\)$", RegexOptions.Singleline)]
    private static partial Regex RuleShape();

    [GeneratedRegex(@"^(?<action>Allow|Block|Review) list '(?<name>.*)'$", RegexOptions.Singleline)]
    private static partial Regex ListShape();
}
