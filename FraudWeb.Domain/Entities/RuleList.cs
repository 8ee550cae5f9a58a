using System.Text.RegularExpressions;
using FraudWeb.Domain.Rules;

namespace FraudWeb.Domain.Entities;

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
            throw DomainException.Format("A list's name is 2-{0} lower-case letters, digits or underscores, starting with a letter (rules write it as @name).", NameMaxLength);
        }
        if (!Enum.IsDefined(kind)) throw new DomainException("Choose what the list holds.");
        if (!Enum.IsDefined(purpose)) throw new DomainException("Choose what the list does.");
        var text = description?.Trim() ?? "";
        if (text.Length > DescriptionMaxLength) throw DomainException.Format("A description has at most {0} characters.", DescriptionMaxLength);
        return new RuleList { Name = trimmed, Kind = kind, Purpose = purpose, Description = text, CreatedBy = actorId, CreatedUtc = nowUtc };
    }

    /// <summary>Adds an entry; an entry already on the list (and not removed) is refused.</summary>
    public RuleListEntry Add(string value, string label, long? cardId, string reason, string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        var comparison = Kind == RuleListKind.MerchantCategory ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (_entries.Any(e => e.IsActive && string.Equals(e.Value, value, comparison))) throw DomainException.Format("{0} is already on this list.", label);
        var entry = new RuleListEntry(value, label, cardId, CheckReason(reason), actorId, nowUtc);
        _entries.Add(entry);
        return entry;
    }

    /// <summary>A reason as kept: trimmed, present, short, printable.</summary>
    public static string CheckReason(string reason)
    {
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length == 0) throw new DomainException("Say why (for the next analyst and the audit).");
        if (trimmed.Length > ReasonMaxLength) throw DomainException.Format("A reason has at most {0} characters.", ReasonMaxLength);
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
