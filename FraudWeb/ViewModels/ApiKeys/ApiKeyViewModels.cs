using FraudWeb.ViewModels.Common;
using System.ComponentModel.DataAnnotations;
using FraudWeb.Domain.Entities;

namespace FraudWeb.ViewModels.ApiKeys;

/// <summary>One key in a list: never the key itself, only its prefix.</summary>
public sealed record ApiKeyRowViewModel(long Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTime CreatedUtc, DateTime ExpiresUtc,
    DateTime? LastUsedUtc, DateTime? RevokedUtc, string? OwnerEmail)
{
    public string Status(DateTime nowUtc) => RevokedUtc is not null ? "Revoked" : ExpiresUtc <= nowUtc ? "Expired" : "Active";
}

/// <summary>The form that creates a key (OwnerEmail only on the administrators' page).</summary>
public sealed class CreateApiKeyViewModel
{
    public static IReadOnlyList<int> Lifetimes { get; } = [30, 90, 365];

    [Required(ErrorMessage = "Give the key a name.")]
    [CharacterLength(ApiKey.NameMaxLength, ErrorMessage = "The name can have at most {1} characters.")]
    [Display(Name = "Name (what the key is for)")]
    public string? Name { get; set; }

    [Display(Name = "Scopes")]
    public List<string> Scopes { get; set; } = [];

    [Display(Name = "Valid for")]
    public int LifetimeDays { get; set; } = 90;

    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [Display(Name = "Owner's email (the user the key acts for)")]
    public string? OwnerEmail { get; set; }

    /// <summary>
    /// The page's one-time key: the same page sent again (the created page reloaded, a double click) creates no second
    /// key. A new one for each page; kept when the page comes back with errors, as nothing was created.
    /// </summary>
    [RegularExpression("^[0-9a-f]{32}$", ErrorMessage = "This form has expired. Reload the page and create the key again.", MatchTimeoutInMilliseconds = Timeout.Infinite)]
    public string? SubmissionKey { get; set; } = NewSubmissionKey();

    public static string NewSubmissionKey() => Common.FormKey.New();
}

/// <summary>A page of keys with the create form.</summary>
public sealed class ApiKeysViewModel
{
    public required IReadOnlyList<ApiKeyRowViewModel> Keys { get; init; }
    public required IReadOnlyList<string> ScopeChoices { get; init; }
    public CreateApiKeyViewModel Form { get; init; } = new();
    public bool ForAdministrators { get; init; }

    /// <summary>Whether the create form is offered: administrators, and card holders on their own page.</summary>
    public bool CanCreate { get; init; } = true;
    public DateTime NowUtc { get; init; }

    /// <summary>Administrators: the owner filter (part of an email address) and the working keys' paging.</summary>
    public string? Owner { get; init; }
    public int WorkingCount { get; init; }
    public long? Before { get; init; }
    /// <summary>The id to read older working keys from; null on the last page.</summary>
    public long? OlderFrom { get; init; }
}

/// <summary>The one page that ever shows a key in full.</summary>
public sealed record ApiKeyCreatedViewModel(string Name, string Secret, DateTime ExpiresUtc, IReadOnlyList<string> Scopes, bool ForAdministrators);
