using System.Text.RegularExpressions;
using FraudWeb.Domain.Cards;
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
        return new RuleList { Name = trimmed, Kind = kind, Purpose = purpose, Description = CheckDescription(description), CreatedBy = actorId, CreatedUtc = nowUtc };
    }

    /// <summary>A description as kept: trimmed, short, no card number, no direction override (other analysts read it).</summary>
    public static string CheckDescription(string? description)
    {
        var text = description?.Trim() ?? "";
        if (TextLength.Of(text) > DescriptionMaxLength) throw DomainException.Format("A description has at most {0} characters.", DescriptionMaxLength);
        return CardNumber.RefusedIn(FreeText.Checked(text));
    }

    /// <summary>
    /// Adds an entry; an entry already on the list (or waiting to be) is refused. With <paramref name="needsSecondAnalyst"/>
    /// (an allow list, or a list an allow rule reads) the entry waits for another analyst's approval before payments see
    /// it: one analyst alone could otherwise let a card skip the model and every rule (four eyes, as for allow rules).
    /// </summary>
    public RuleListEntry Add(string value, string label, long? cardId, string reason, string actorId, DateTime nowUtc, bool needsSecondAnalyst = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        var comparison = Kind == RuleListKind.MerchantCategory ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var present = _entries.FirstOrDefault(e => e.RemovedUtc is null && string.Equals(e.Value, value, comparison));
        if (present is { IsPending: true }) throw DomainException.Format("{0} is already waiting for a second analyst's approval on this list.", label);
        if (present is not null) throw DomainException.Format("{0} is already on this list.", label);
        var entry = new RuleListEntry(value, label, cardId, CheckReason(reason), actorId, nowUtc, approved: !needsSecondAnalyst);
        _entries.Add(entry);
        return entry;
    }

    /// <summary>Whether a rule's condition reads this list (<c>@name</c>, not as the start of a longer name).</summary>
    public bool IsNamedIn(string condition) =>
        condition is not null && Regex.IsMatch(condition, "@" + Regex.Escape(Name) + "(?![A-Za-z0-9_])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>A reason as kept: trimmed, present, short, printable, no direction override.</summary>
    public static string CheckReason(string reason)
    {
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length == 0) throw new DomainException("Say why (for the next analyst and the audit).");
        if (trimmed.Any(char.IsControl)) throw new DomainException("A reason cannot contain control characters.");
        // Measured as kept: a card number in it is kept as its brand and last four, which can be longer than the number.
        var kept = CardNumber.Redact(FreeText.Checked(trimmed));
        if (TextLength.Of(kept) > ReasonMaxLength) throw DomainException.Format("A reason has at most {0} characters.", ReasonMaxLength);
        return kept;
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

    internal RuleListEntry(string value, string label, long? cardId, string reason, string actorId, DateTime nowUtc, bool approved)
    {
        Value = value;
        Label = label;
        CardId = cardId;
        AddedReason = reason;
        AddedBy = actorId;
        AddedUtc = nowUtc;
        if (approved)
        {
            ApprovedBy = actorId;
            ApprovedUtc = nowUtc;
        }
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

    /// <summary>What a reason about a card reads once its holder's account is erased: staff's words about a person are personal data (ADR 0004).</summary>
    public const string ErasedReason = FraudReport.ErasedReason;

    /// <summary>Who let payments see the entry: its author, or for a four-eyes list another analyst.</summary>
    public string? ApprovedBy { get; private set; }
    public DateTime? ApprovedUtc { get; private set; }

    /// <summary>On the list: payments and rules see it.</summary>
    public bool IsActive => RemovedUtc is null && ApprovedUtc is not null;

    /// <summary>Added to a four-eyes list and waiting for another analyst's approval; payments do not see it yet.</summary>
    public bool IsPending => RemovedUtc is null && ApprovedUtc is null;

    /// <summary>A second analyst lets payments see the entry; never its author.</summary>
    public void Approve(string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        if (!IsPending) throw new DomainException("This entry no longer waits for approval.", DomainErrorCode.StateChanged);
        if (actorId == AddedBy) throw new DomainException("Another analyst than the one who added it must approve this entry.");
        ApprovedBy = actorId;
        ApprovedUtc = nowUtc;
    }

    /// <summary>Approved by its author alone (a list no allow rule read then).</summary>
    public bool IsSelfApproved => IsActive && ApprovedBy == AddedBy;

    /// <summary>
    /// An entry its author alone approved, on a list an allow rule now reads: it waits for another analyst, as it
    /// would had the rule existed when it was added.
    /// </summary>
    public void AwaitSecondAnalyst()
    {
        if (!IsSelfApproved) throw new DomainException("Only an entry its author alone approved goes back to waiting.", DomainErrorCode.StateChanged);
        ApprovedBy = null;
        ApprovedUtc = null;
    }

    /// <summary>
    /// An entry that waited for a second analyst only because an allow rule read its list, which none does any more: in
    /// force on its author's word, as it would be had it been added now (the inverse of <see cref="AwaitSecondAnalyst"/>).
    /// </summary>
    public void TakeEffectAlone(DateTime nowUtc)
    {
        if (!IsPending) throw new DomainException("This entry no longer waits for approval.", DomainErrorCode.StateChanged);
        ApprovedBy = AddedBy;
        ApprovedUtc = nowUtc;
    }

    /// <summary>Takes an entry off the list: one in force, or one still waiting for approval (withdrawn, never in force).</summary>
    public void Remove(string reason, string actorId, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        if (RemovedUtc is not null) throw new DomainException("This entry was already removed.", DomainErrorCode.StateChanged);
        RemovedReason = RuleList.CheckReason(reason);
        RemovedBy = actorId;
        RemovedUtc = nowUtc;
    }
}
