using FraudWeb.Domain.Rules;

namespace FraudWeb.Domain.Entities;

public enum RuleStatus
{
    /// <summary>Written or changed, not applied to payments: backtest it, then enable it.</summary>
    Draft = 0,
    Enabled = 1,
    Disabled = 2,
}

/// <summary>
/// An analyst's rule: a condition over a payment and what to do when it holds. Every change of its text, name or
/// action is a new version (kept in <see cref="Versions"/>) and makes it a draft again, so what runs on payments was
/// always backtested first: a version is enabled only after a backtest of that same version.
/// </summary>
public class FraudRule
{
    public const int NameMaxLength = 80;

    private readonly List<FraudRuleVersion> _versions = [];

    private FraudRule()
    {
        Name = Expression = CreatedBy = UpdatedBy = "";
    }

    public long Id { get; private set; }
    public string Name { get; private set; }
    public RuleAction Action { get; private set; }
    public string Expression { get; private set; }
    public int Version { get; private set; }
    public RuleStatus Status { get; private set; }
    /// <summary>The version last backtested; enabling needs it to be <see cref="Version"/>.</summary>
    public int? BacktestedVersion { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedUtc { get; private set; }
    public string UpdatedBy { get; private set; }
    public DateTime UpdatedUtc { get; private set; }
    /// <summary>Optimistic concurrency: two analysts editing at once cannot both save.</summary>
    public Guid RowVersion { get; private set; }
    public IReadOnlyList<FraudRuleVersion> Versions => _versions;

    public bool IsBacktested => BacktestedVersion == Version;

    /// <summary>A new draft, version 1. The text must already have been parsed against the lists that exist.</summary>
    public static FraudRule Create(string name, RuleAction action, string expression, string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        var rule = new FraudRule
        {
            Name = CheckName(name),
            Action = CheckAction(action),
            Expression = CheckExpression(expression),
            Version = 1,
            Status = RuleStatus.Draft,
            CreatedBy = actorId,
            CreatedUtc = nowUtc,
            UpdatedBy = actorId,
            UpdatedUtc = nowUtc,
            RowVersion = Guid.NewGuid(),
        };
        rule._versions.Add(FraudRuleVersion.Of(rule, actorId, nowUtc));
        return rule;
    }

    /// <summary>A new version with these values; the rule becomes a draft until this version is backtested and enabled.</summary>
    public void Edit(string name, RuleAction action, string expression, string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        name = CheckName(name);
        expression = CheckExpression(expression);
        CheckAction(action);
        if (name == Name && action == Action && expression == Expression) throw new DomainException("Nothing changed.");
        Name = name;
        Action = action;
        Expression = expression;
        Version++;
        Status = RuleStatus.Draft;
        Touch(actorId, nowUtc);
        _versions.Add(FraudRuleVersion.Of(this, actorId, nowUtc));
    }

    /// <summary>Marks <paramref name="version"/> as backtested (a backtest of an older version does not count).</summary>
    public void RecordBacktest(int version)
    {
        if (version == Version) BacktestedVersion = version;
    }

    public void Enable(string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        if (Status == RuleStatus.Enabled) throw new DomainException("This rule is already enabled.", DomainErrorCode.StateChanged);
        if (!IsBacktested) throw DomainException.Format("Backtest version {0} before enabling it.", Version);
        // Four eyes on an allow rule: its payments skip the model and every other rule, so whoever wrote this version
        // does not also switch it on (review and block rules only stop payments).
        if (Action == RuleAction.Allow && AuthorOfCurrentVersion() == actorId)
            throw new DomainException("Another analyst must enable an allow rule you wrote: its payments skip the model.");
        Status = RuleStatus.Enabled;
        Touch(actorId, nowUtc);
    }

    /// <summary>Who saved the version that would run (the versions must be loaded with the rule).</summary>
    private string AuthorOfCurrentVersion() =>
        _versions.SingleOrDefault(v => v.Version == Version)?.ChangedBy
        ?? throw new InvalidOperationException("The rule's versions were not loaded: who wrote this version is not known.");

    public void Disable(string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        if (Status != RuleStatus.Enabled) throw new DomainException("This rule is not enabled.", DomainErrorCode.StateChanged);
        Status = RuleStatus.Disabled;
        Touch(actorId, nowUtc);
    }

    private void Touch(string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        UpdatedBy = actorId;
        UpdatedUtc = nowUtc;
        RowVersion = Guid.NewGuid();
    }

    private static string CheckName(string name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) throw new DomainException("Give the rule a name that says what it catches.");
        if (TextLength.Of(trimmed) > NameMaxLength) throw DomainException.Format("A rule's name has at most {0} characters.", NameMaxLength);
        if (trimmed.Any(char.IsControl)) throw new DomainException("A rule's name cannot contain control characters.");
        return Cards.CardNumber.RefusedIn(FreeText.Checked(trimmed));
    }

    private static string CheckExpression(string expression)
    {
        var trimmed = expression?.Trim() ?? "";
        if (trimmed.Length == 0) throw new DomainException("Write the rule's condition.");
        if (trimmed.Length > RuleParserLimits.MaxLength) throw DomainException.Format("A rule has at most {0} characters.", RuleParserLimits.MaxLength);
        // Kept, shown on the rule's page and in its audit entries as typed: a number in it would be kept whole (PCI DSS 3.4.1).
        return FreeText.Checked(Cards.CardNumber.RefusedIn(trimmed), lines: true);
    }

    private static RuleAction CheckAction(RuleAction action) =>
        Enum.IsDefined(action) ? action : throw new DomainException("Choose allow, review or block.");
}

/// <summary>One saved version of a rule: what it said, who saved it and when.</summary>
public class FraudRuleVersion
{
    private FraudRuleVersion()
    {
        Name = Expression = ChangedBy = "";
    }

    public long Id { get; private set; }
    public long RuleId { get; private set; }
    public int Version { get; private set; }
    public string Name { get; private set; }
    public RuleAction Action { get; private set; }
    public string Expression { get; private set; }
    public string ChangedBy { get; private set; }
    public DateTime ChangedUtc { get; private set; }

    internal static FraudRuleVersion Of(FraudRule rule, string actorId, DateTime nowUtc) => new()
    {
        Version = rule.Version,
        Name = rule.Name,
        Action = rule.Action,
        Expression = rule.Expression,
        ChangedBy = actorId,
        ChangedUtc = nowUtc,
    };
}
