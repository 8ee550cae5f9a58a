using System.Text.RegularExpressions;
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
        if (!IsBacktested) throw new DomainException($"Backtest version {Version} before enabling it.");
        Status = RuleStatus.Enabled;
        Touch(actorId, nowUtc);
    }

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
        if (trimmed.Length > NameMaxLength) throw new DomainException($"A rule's name has at most {NameMaxLength} characters.");
        if (trimmed.Any(char.IsControl)) throw new DomainException("A rule's name cannot contain control characters.");
        return trimmed;
    }

    private static string CheckExpression(string expression)
    {
        var trimmed = expression?.Trim() ?? "";
        if (trimmed.Length == 0) throw new DomainException("Write the rule's condition.");
        if (trimmed.Length > RuleParserLimits.MaxLength) throw new DomainException($"A rule has at most {RuleParserLimits.MaxLength} characters.");
        return trimmed;
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

/// <summary>What a version of a rule would have done to past payments, kept so the rule's page shows it and enabling can require it.</summary>
public class RuleBacktest
{
    public const int SampleSize = 20;

    private RuleBacktest()
    {
        RanBy = SampleIds = "";
    }

    public long Id { get; private set; }
    public long RuleId { get; private set; }
    public int Version { get; private set; }
    public int Days { get; private set; }
    public DateTime FromUtc { get; private set; }
    public DateTime ToUtc { get; private set; }
    public string RanBy { get; private set; }
    public DateTime RanUtc { get; private set; }
    /// <summary>Payments in the period.</summary>
    public int Evaluated { get; private set; }
    public int Matched { get; private set; }
    public int MatchedFraud { get; private set; }
    public int MatchedLegitimate { get; private set; }
    public decimal MatchedAmount { get; private set; }
    public decimal MatchedFraudAmount { get; private set; }
    public decimal MatchedLegitimateAmount { get; private set; }
    /// <summary>Frauds in the whole period: the share the rule would catch is MatchedFraud / this.</summary>
    public int FraudInPeriod { get; private set; }
    /// <summary>Ids of the most recent matched payments, comma-separated (at most <see cref="SampleSize"/>).</summary>
    public string SampleIds { get; private set; }

    public int MatchedUnlabelled => Matched - MatchedFraud - MatchedLegitimate;

    public IReadOnlyList<long> Sample => SampleIds.Length == 0 ? []
        : SampleIds.Split(',').Select(s => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static RuleBacktest Record(FraudRule rule, int days, DateTime fromUtc, DateTime toUtc, BacktestFigures figures, string actorId, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        rule.RecordBacktest(rule.Version);
        return new RuleBacktest
        {
            RuleId = rule.Id,
            Version = rule.Version,
            Days = days,
            FromUtc = fromUtc,
            ToUtc = toUtc,
            RanBy = actorId,
            RanUtc = nowUtc,
            Evaluated = figures.Evaluated,
            Matched = figures.Matched,
            MatchedFraud = figures.MatchedFraud,
            MatchedLegitimate = figures.MatchedLegitimate,
            MatchedAmount = figures.MatchedAmount,
            MatchedFraudAmount = figures.MatchedFraudAmount,
            MatchedLegitimateAmount = figures.MatchedLegitimateAmount,
            FraudInPeriod = figures.FraudInPeriod,
            SampleIds = string.Join(',', figures.Sample.Take(SampleSize).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        };
    }
}

/// <summary>The counts a backtest produces (computed by the backtester).</summary>
public sealed record BacktestFigures(int Evaluated, int Matched, int MatchedFraud, int MatchedLegitimate, decimal MatchedAmount,
    decimal MatchedFraudAmount, decimal MatchedLegitimateAmount, int FraudInPeriod, IReadOnlyList<long> Sample);

/// <summary>
/// A named list (<c>@name</c> in rules) of cards, merchants or merchant categories. Entries are added and removed with
/// who, when and why; a removed entry stays as history.
/// </summary>
public partial class RuleList
{
    public const int NameMaxLength = 40;
    public const int DescriptionMaxLength = 200;
    public const int ReasonMaxLength = 200;

    private readonly List<RuleListEntry> _entries = [];

    private RuleList()
    {
        Name = Description = CreatedBy = "";
    }

    public long Id { get; private set; }
    /// <summary>Lower-case letters, digits and underscores; fixed once created, since rules name it.</summary>
    public string Name { get; private set; }
    public string Description { get; private set; }
    public RuleListKind Kind { get; private set; }
    public RuleListPurpose Purpose { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedUtc { get; private set; }
    public IReadOnlyList<RuleListEntry> Entries => _entries;

    public static RuleList Create(string name, RuleListKind kind, RuleListPurpose purpose, string? description, string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        var trimmed = name?.Trim().ToLowerInvariant() ?? "";
        if (!NamePattern().IsMatch(trimmed))
        {
            throw new DomainException($"A list's name is 2-{NameMaxLength} lower-case letters, digits or underscores, starting with a letter (rules write it as @name).");
        }
        if (!Enum.IsDefined(kind)) throw new DomainException("Choose what the list holds.");
        if (!Enum.IsDefined(purpose)) throw new DomainException("Choose what the list does.");
        var text = description?.Trim() ?? "";
        if (text.Length > DescriptionMaxLength) throw new DomainException($"A description has at most {DescriptionMaxLength} characters.");
        return new RuleList { Name = trimmed, Kind = kind, Purpose = purpose, Description = text, CreatedBy = actorId, CreatedUtc = nowUtc };
    }

    /// <summary>Adds an entry; an entry already on the list (and not removed) is refused.</summary>
    public RuleListEntry Add(string value, string label, long? cardId, string reason, string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        var comparison = Kind == RuleListKind.MerchantCategory ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (_entries.Any(e => e.IsActive && string.Equals(e.Value, value, comparison))) throw new DomainException($"{label} is already on this list.");
        var entry = new RuleListEntry(value, label, cardId, CheckReason(reason), actorId, nowUtc);
        _entries.Add(entry);
        return entry;
    }

    /// <summary>A reason as kept: trimmed, present, short, printable.</summary>
    public static string CheckReason(string reason)
    {
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length == 0) throw new DomainException("Say why (for the next analyst and the audit).");
        if (trimmed.Length > ReasonMaxLength) throw new DomainException($"A reason has at most {ReasonMaxLength} characters.");
        if (trimmed.Any(char.IsControl)) throw new DomainException("A reason cannot contain control characters.");
        return trimmed;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{1,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

public class RuleListEntry
{
    private RuleListEntry()
    {
        Value = Label = AddedBy = AddedReason = "";
    }

    internal RuleListEntry(string value, string label, long? cardId, string reason, string actorId, DateTime nowUtc)
    {
        Value = value;
        Label = label;
        CardId = cardId;
        AddedReason = reason;
        AddedBy = actorId;
        AddedUtc = nowUtc;
    }

    public long Id { get; private set; }
    public long ListId { get; private set; }
    /// <summary>What rules test: the card's fingerprint, the merchant's id or the category's name.</summary>
    public string Value { get; private set; }
    /// <summary>What staff see: the masked card, the merchant's name, the category.</summary>
    public string Label { get; private set; }
    public long? CardId { get; private set; }
    public string AddedBy { get; private set; }
    public DateTime AddedUtc { get; private set; }
    public string AddedReason { get; private set; }
    public string? RemovedBy { get; private set; }
    public DateTime? RemovedUtc { get; private set; }
    public string? RemovedReason { get; private set; }

    public bool IsActive => RemovedUtc is null;

    public void Remove(string reason, string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        if (!IsActive) throw new DomainException("This entry was already removed.", DomainErrorCode.StateChanged);
        RemovedReason = RuleList.CheckReason(reason);
        RemovedBy = actorId;
        RemovedUtc = nowUtc;
    }
}
