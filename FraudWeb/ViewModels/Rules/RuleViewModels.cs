using FraudWeb.ViewModels.Common;
using System.ComponentModel.DataAnnotations;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Infrastructure.Localization;

namespace FraudWeb.ViewModels.Rules;

/// <summary>The rules pages' words for a rule's or a list's values, in the page's language (the English is what the pages always showed).</summary>
public static class RuleTexts
{
    /// <summary>"allow", "review" or "block".</summary>
    public static string ActionText(RuleAction action) => action switch
    {
        RuleAction.Allow => Text.Get("allow"),
        RuleAction.Review => Text.InContext("rule", "review"),
        RuleAction.Block => Text.Get("block"),
        _ => action.ToString().ToLowerInvariant(),
    };

    /// <summary>"draft", "enabled" or "disabled".</summary>
    public static string StatusText(RuleStatus status) => status switch
    {
        RuleStatus.Draft => Text.Get("draft"),
        RuleStatus.Enabled => Text.Get("enabled"),
        RuleStatus.Disabled => Text.Get("disabled"),
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>What a list holds: "Card", "Merchant" or "Merchant category".</summary>
    public static string KindText(RuleListKind kind) => kind switch
    {
        RuleListKind.Card => Text.Get("Card"),
        RuleListKind.Merchant => Text.Get("Merchant"),
        RuleListKind.MerchantCategory => Text.Get("Merchant category"),
        _ => kind.ToString(),
    };

    /// <summary>What a list does: "allow", "block" or "used by rules".</summary>
    public static string PurposeText(RuleListPurpose purpose) => purpose switch
    {
        RuleListPurpose.Reference => Text.Get("used by rules"),
        RuleListPurpose.Allow => Text.Get("allow"),
        RuleListPurpose.Block => Text.Get("block"),
        _ => purpose.ToString().ToLowerInvariant(),
    };
}

public sealed record RuleRowViewModel(long Id, string Name, RuleAction Action, RuleStatus Status, int Version, bool Backtested, DateTime UpdatedUtc);

public sealed record RuleListRowViewModel(long Id, string Name, RuleListKind Kind, RuleListPurpose Purpose, string Description, int Entries);

/// <summary>The rules page: every rule and list, and the order they run in.</summary>
public sealed class RulesIndexViewModel
{
    public required IReadOnlyList<RuleRowViewModel> Rules { get; init; }
    public required IReadOnlyList<RuleListRowViewModel> Lists { get; init; }
}

/// <summary>Writing a rule, new or a new version of one.</summary>
public sealed class RuleFormViewModel
{
    [Required(ErrorMessage = "Give the rule a name that says what it catches.")]
    [CharacterLength(FraudRule.NameMaxLength, ErrorMessage = "The name can have at most {1} characters.")]
    [Display(Name = "Name")]
    public string? Name { get; set; }

    // From the form only: the route's own "action" value (Create, Edit) would bind here when the field is missing.
    [Microsoft.AspNetCore.Mvc.FromForm]
    [Display(Name = "Action when the condition holds")]
    public RuleAction Action { get; set; } = RuleAction.Review;

    // No length attribute: the parser checks the trimmed text's length and names the position, as for every rule error.
    [Required(ErrorMessage = "Write the rule's condition.")]
    [Display(Name = "Condition")]
    public string? Expression { get; set; }

    /// <summary>The version the editor started from (edits only): a concurrent change is refused, not overwritten.</summary>
    public Guid RowVersion { get; set; }
}

/// <summary>The editor's page: the form, the names a rule can use and the lists that exist.</summary>
public sealed class RuleEditorViewModel
{
    public long? RuleId { get; init; }
    public int? Version { get; init; }
    public required RuleFormViewModel Form { get; init; }
    public IReadOnlyList<RuleName> Vocabulary { get; init; } = RuleVocabulary.All;
    public required IReadOnlyList<RuleListRowViewModel> Lists { get; init; }

    /// <summary>The merchants' categories as stored: what a rule compares merchant_category with (pages show them translated).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>What the analyst sent when another version was saved first: shown beside the current one, to copy from.</summary>
    public RuleFormViewModel? Unsaved { get; set; }
}

public sealed record RuleVersionViewModel(int Version, string Name, RuleAction Action, string Expression, string ChangedBy, DateTime ChangedUtc);

public sealed record BacktestSampleViewModel(long TransactionId, DateTime TimestampUtc, string Card, string Merchant, decimal Amount, int? RiskScore,
    string Label, string Decision);

public sealed record BacktestViewModel(int Version, int Days, DateTime FromUtc, DateTime ToUtc, string RanBy, DateTime RanUtc, int Evaluated, int Matched,
    int MatchedFraud, int MatchedLegitimate, int MatchedUnlabelled, decimal MatchedAmount, decimal MatchedFraudAmount, decimal MatchedLegitimateAmount,
    int FraudInPeriod, IReadOnlyList<BacktestSampleViewModel> Sample)
{
    public double? Precision => MatchedFraud + MatchedLegitimate == 0 ? null : (double)MatchedFraud / (MatchedFraud + MatchedLegitimate);
    public double? ShareOfFraud => FraudInPeriod == 0 ? null : (double)MatchedFraud / FraudInPeriod;
}

/// <summary>One rule: what it says now, its history, its last backtest and what may be done next.</summary>
public sealed class RuleDetailsViewModel
{
    public required long Id { get; init; }
    public required string Name { get; init; }
    public required RuleAction Action { get; init; }
    public required string Expression { get; init; }
    public required int Version { get; init; }
    public required RuleStatus Status { get; init; }
    public required bool Backtested { get; init; }
    /// <summary>An allow rule's: the account that wrote this version, which another analyst must enable (null for other rules).</summary>
    public string? AllowRuleAuthorId { get; init; }
    public required Guid RowVersion { get; init; }
    public required IReadOnlyList<RuleVersionViewModel> Versions { get; init; }
    public BacktestViewModel? LastBacktest { get; init; }
    public int Days { get; init; } = 30;
}

public sealed class RuleListFormViewModel
{
    [Required(ErrorMessage = "Give the list a name (rules write it as @name).")]
    [CharacterLength(RuleList.NameMaxLength, ErrorMessage = "The name can have at most {1} characters.")]
    [Display(Name = "Name (lower-case letters, digits, underscores)")]
    public string? Name { get; set; }

    [Display(Name = "Holds")]
    public RuleListKind Kind { get; set; } = RuleListKind.Card;

    [Display(Name = "What the list does")]
    public RuleListPurpose Purpose { get; set; } = RuleListPurpose.Block;

    [CharacterLength(RuleList.DescriptionMaxLength, ErrorMessage = "A description has at most {1} characters.")]
    [Display(Name = "Description")]
    public string? Description { get; set; }
}

public sealed record RuleListEntryViewModel(long Id, string Label, string AddedBy, DateTime AddedUtc, string AddedReason, string? RemovedBy,
    DateTime? RemovedUtc, string? RemovedReason)
{
    /// <summary>Waiting for a second analyst: payments do not see it yet.</summary>
    public bool Pending { get; init; }
    /// <summary>The account that added it (which may not approve it).</summary>
    public string? AddedById { get; init; }
    public string? ApprovedBy { get; init; }
    public DateTime? ApprovedUtc { get; init; }
}

/// <summary>A candidate entry found by the search: what to post (a card's or merchant's id, or a category) and what staff see.</summary>
public sealed record RuleListCandidateViewModel(string Entry, string Label, string Detail);

public sealed class ApproveListEntryViewModel
{
    [Display(Name = "Entry")]
    public long EntryId { get; set; }
}

public sealed class AddListEntryViewModel
{
    [Required(ErrorMessage = "Pick an entry from the search results.")]
    public string? Entry { get; set; }

    [Required(ErrorMessage = "Say why (for the next analyst and the audit).")]
    [CharacterLength(RuleList.ReasonMaxLength, ErrorMessage = "A reason has at most {1} characters.")]
    [Display(Name = "Why")]
    public string? Reason { get; set; }
}

public sealed class RemoveListEntryViewModel
{
    [Display(Name = "Entry")]
    public long EntryId { get; set; }

    [Required(ErrorMessage = "Say why the entry is removed.")]
    [CharacterLength(RuleList.ReasonMaxLength, ErrorMessage = "A reason has at most {1} characters.")]
    [Display(Name = "Why")]
    public string? Reason { get; set; }
}

/// <summary>A list's page: its entries (removed ones as history) and the picker that adds one.</summary>
public sealed class RuleListDetailsViewModel
{
    public required RuleListRowViewModel List { get; init; }
    public required IReadOnlyList<RuleListEntryViewModel> Entries { get; init; }
    public string? Query { get; init; }
    public IReadOnlyList<RuleListCandidateViewModel> Candidates { get; init; } = [];
    /// <summary>Category lists: every category merchants have.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
}
