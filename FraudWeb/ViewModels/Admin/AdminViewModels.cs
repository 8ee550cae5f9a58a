using System.ComponentModel.DataAnnotations;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.ViewModels.Admin;

/// <summary>Query of the user list: search text (name or email), role and lock filters (the page is a cursor beside them).</summary>
public sealed class UserQueryViewModel
{
    [StringLength(100, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Name or email")]
    public string? Search { get => _search; set => _search = SearchTerm.WithoutCardNumber(value); }
    private string? _search;

    [Display(Name = "Role")]
    public string? Role { get; set; }

    [Display(Name = "Status")]
    public string? Status { get; set; }
}

/// <param name="AwaitingPassword">No password yet (an invitation not accepted, or a forced reset not finished): the person cannot sign in until they choose one.</param>
/// <param name="AwaitingConfirmation">Registered but the email address not confirmed: cannot sign in until they follow the mailed link.</param>
public sealed record UserRowViewModel(string Id, string Email, string? FullName, IReadOnlyList<string> Roles, bool IsLocked, DateTime CreatedUtc, bool AwaitingPassword = false,
    bool AwaitingConfirmation = false);

public sealed class UserListViewModel
{
    public required UserQueryViewModel Query { get; init; }
    public required CursorPage<UserRowViewModel> Users { get; init; }
    public required IReadOnlyList<string> AllRoles { get; init; }
}

public sealed class UserDetailsViewModel
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public string? FullName { get; init; }
    public string? PhoneNumber { get; init; }
    public DateOnly? DateOfBirth { get; init; }
    public string? Address { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public required IReadOnlyList<string> AllRoles { get; init; }
    public bool IsLocked { get; init; }
    /// <summary>No password yet: an invitation not accepted, or a forced reset not finished.</summary>
    public bool AwaitingPassword { get; init; }

    /// <summary>Registered, email address not confirmed yet: cannot sign in.</summary>
    public bool AwaitingConfirmation { get; init; }

    /// <summary>Two-step sign-in is on (an administrator may reset it for a lost phone).</summary>
    public bool TwoStepEnabled { get; init; }
    public DateTime CreatedUtc { get; init; }
    public bool IsSelf { get; init; }
    public required IReadOnlyList<CardSummaryViewModel> Cards { get; init; }
    public required IReadOnlyList<TransactionRowViewModel> RecentTransactions { get; init; }
    public required IReadOnlyList<UserReportRowViewModel> Reports { get; init; }

    /// <summary>Personal details to edit: a card holder's, never a staff member's who has none (AdminUserService.EditAsync).</summary>
    public bool KeepsDetails => FullName is not null || Roles.Contains(Data.Roles.Customer, StringComparer.Ordinal);
}

/// <summary>One of the person's fraud reports, with the masked card it concerns.</summary>
public sealed record UserReportRowViewModel(long TransactionId, DateTime CreatedUtc, string Card, string Kind, string Status, string Reason, DateTime? DecidedUtc);

/// <summary>Personal details an administrator enters or edits for someone: the card holder's fields, worded for staff.</summary>
public class AdminUserDetailsViewModel : PersonalDetailsFields, IStaffForm;

public sealed class CreateUserViewModel : AdminUserDetailsViewModel
{
    [Required(ErrorMessage = "Enter the email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Email")]
    public string? Email { get; set; }

    /// <summary>The invitation mail's language (a supported culture name), as for staff.</summary>
    [Display(Name = "Language of the invitation")]
    public string? Language { get; set; }
}

/// <summary>A staff member's invitation: the address and the staff roles; staff keep no personal details here.</summary>
public sealed class InviteStaffViewModel
{
    [Required(ErrorMessage = "Enter the email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Email")]
    public string? Email { get; set; }

    /// <summary>Validated by the service (at least one, staff roles only), which names the field.</summary>
    [Display(Name = "Roles")]
    public IList<string> Roles { get; set; } = [];

    /// <summary>The culture the invitation mail is written in; validated by the service (a supported one; none means the administrator's).</summary>
    [Display(Name = "Language of the invitation")]
    public string? Language { get; set; }

    public IReadOnlyList<string> StaffRoles => Data.Roles.Staff;
}

public sealed class EditUserViewModel : AdminUserDetailsViewModel
{
    public string? Id { get; set; }
    public string? Email { get; set; }
}

/// <summary>A role's permissions form as posted.</summary>
public sealed class RolePermissionsFormViewModel
{
    public IList<string> Permissions { get; set; } = [];

    /// <summary>The permissions the form showed (a blank first value marks a form that sent them); null from a client that did not.</summary>
    public IList<string>? Shown { get; set; }
}

public sealed class UserRolesViewModel
{
    public IList<string> Roles { get; set; } = [];

    /// <summary>The roles the form showed (a blank first value marks a form that sent them); null from a client that did not.</summary>
    public IList<string>? ShownRoles { get; set; }
}

public sealed class DeleteUserViewModel
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public string? FullName { get; init; }
    public int Cards { get; init; }
    public int Transactions { get; init; }

    /// <summary>The administrator's own account: no one deletes their own (AdminUserService.DeleteAsync), so no form.</summary>
    public bool IsSelf { get; init; }
}

/// <summary>
/// Role names as people read them, in the page's language: the names themselves (Customer, Analyst, Admin) stay the
/// identifiers that forms post and the audit log records.
/// </summary>
public static class RoleNames
{
    public static string Display(string role) => role switch
    {
        Data.Roles.Customer => Text.Get("Customer"),
        Data.Roles.Analyst => Text.Get("Analyst"),
        Data.Roles.Admin => Text.Get("Admin"),
        _ => role,
    };

    /// <summary>What a staff role lets its members do (the invitation form), or "" for another role.</summary>
    public static string Describe(string role) => role switch
    {
        Data.Roles.Analyst => Text.Get("reviews reports and held payments, writes rules, retrains models"),
        Data.Roles.Admin => Text.Get("manages people, roles and models, reads the audit log, reviews"),
        _ => "",
    };
}

public sealed record RolePermissionsViewModel(string Role, IReadOnlyList<string> Granted, int Members);

public sealed class RoleListViewModel
{
    public required IReadOnlyList<RolePermissionsViewModel> Roles { get; init; }
    public required IReadOnlyList<string> AllPermissions { get; init; }
}

public sealed class AuditQueryViewModel
{
    [StringLength(256, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Actor: email or id")]
    public string? Actor { get => _actor; set => _actor = SearchTerm.WithoutCardNumber(value); }

    private string? _actor;
    private string? _target;

    /// <summary>The action name filter; not called "Action", which would bind the MVC route value.</summary>
    [StringLength(64, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Action")]
    public string? Operation { get; set; }

    [StringLength(450, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Target id")]
    public string? Target { get => _target; set => _target = SearchTerm.WithoutCardNumber(value); }

    [DataType(DataType.Date)]
    [Display(Name = "From")]
    public DateOnly? From { get; set; }

    [DataType(DataType.Date)]
    [Display(Name = "To")]
    public DateOnly? To { get; set; }
}

/// <summary>Actor: the account's current email, resolved at read time (entries keep only the id), else "command line", "system" or "deleted account {id}".
/// Before and after are the recorded fields as shown: accounts by their email, times in the visitor's zone.</summary>
public sealed record AuditRowViewModel(long Id, DateTime TimestampUtc, string Actor, string Action, string TargetType, string TargetId,
    IReadOnlyList<RecordedField> BeforeFields, IReadOnlyList<RecordedField> AfterFields, string? TargetName = null, string? TraceId = null);

public sealed class AuditListViewModel
{
    public required AuditQueryViewModel Query { get; init; }
    public required CursorPage<AuditRowViewModel> Entries { get; init; }
    public required IReadOnlyList<string> Actions { get; init; }
}
