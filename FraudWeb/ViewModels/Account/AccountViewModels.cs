using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.ViewModels.Account;

public sealed class RegisterViewModel : PersonalDetailsFields
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Email")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(128, MinimumLength = 12, ErrorMessage = "The password must be 12 to 128 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string? Password { get; set; }

    [Required(ErrorMessage = "Confirm your password.")]
    [DataType(DataType.Password)]
    [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
    [Display(Name = "Confirm password")]
    public string? ConfirmPassword { get; set; }

    /// <summary>PIPL article 29: separate consent, a box of its own left unticked, not part of accepting the notice.</summary>
    [MustBeTicked(ErrorMessage = ConsentViewModel.Required)]
    [Display(Name = ConsentViewModel.Label)]
    public bool SensitiveDataConsent { get; set; }
}

/// <summary>The separate consent a card holder is asked for when none is recorded for the current notice.</summary>
public sealed class ConsentViewModel
{
    public const string Label = "I separately consent to FraudWeb processing my sensitive personal information, my cards and my payment records, to check my payments for fraud, as the privacy notice describes.";
    public const string Required = "Tick the box to give your consent: FraudWeb cannot check your payments without it.";

    [MustBeTicked(ErrorMessage = Required)]
    [Display(Name = Label)]
    public bool SensitiveDataConsent { get; set; }

    public string? ReturnUrl { get; set; }
}

public sealed class LoginViewModel
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [Display(Name = "Email")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Enter your password.")]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string? Password { get; set; }

    [Display(Name = "Keep me signed in (not for staff accounts)")]
    public bool RememberMe { get; set; }

    public string? ReturnUrl { get; set; }
}

public sealed class ForgotPasswordViewModel
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [Display(Name = "Email")]
    public string? Email { get; set; }
}

public sealed class ResetPasswordViewModel
{
    /// <summary>The account's address, shown read-only (the link's token names the account); optional when sent.</summary>
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [Display(Name = "Email")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "The reset link is incomplete. Request a new one.")]
    public string? Token { get; set; }

    [Required(ErrorMessage = "Choose a new password.")]
    [StringLength(128, MinimumLength = 12, ErrorMessage = "The password must be 12 to 128 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "New password")]
    public string? Password { get; set; }

    [Required(ErrorMessage = "Confirm your new password.")]
    [DataType(DataType.Password)]
    [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
    [Display(Name = "Confirm new password")]
    public string? ConfirmPassword { get; set; }

    /// <summary>
    /// Asked only when the link finishes a registration never confirmed (null otherwise, and then not validated): the
    /// details typed at registration may be a stranger's who registered the address first, so the mailbox's owner types
    /// their own.
    /// </summary>
    public RegistrationDetailsViewModel? Details { get; set; }
}

/// <summary>
/// The personal details asked again when a reset link finishes a registration (<see cref="ResetPasswordViewModel.Details"/>).
/// The form has no version of them (no RowVersion field): one sent anyway is not bound, so it can refuse nothing unseen.
/// </summary>
[Microsoft.AspNetCore.Mvc.Bind(nameof(FullName), nameof(PhoneNumber), nameof(DateOfBirth), nameof(AddressLine1), nameof(AddressLine2), nameof(City),
    nameof(Postcode), nameof(Country))]
public sealed class RegistrationDetailsViewModel : PersonalDetailsFields;

public sealed class ChangePasswordViewModel
{
    [Required(ErrorMessage = "Enter your current password.")]
    [DataType(DataType.Password)]
    [Display(Name = "Current password")]
    public string? CurrentPassword { get; set; }

    [Required(ErrorMessage = "Choose a new password.")]
    [StringLength(128, MinimumLength = 12, ErrorMessage = "The password must be 12 to 128 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "New password")]
    public string? NewPassword { get; set; }

    [Required(ErrorMessage = "Confirm your new password.")]
    [DataType(DataType.Password)]
    [Compare(nameof(NewPassword), ErrorMessage = "The passwords do not match.")]
    [Display(Name = "Confirm new password")]
    public string? ConfirmPassword { get; set; }
}

public sealed class ChangeEmailViewModel
{
    [Required(ErrorMessage = "Enter your new email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "New email address")]
    public string? NewEmail { get; set; }

    [Required(ErrorMessage = "Enter your current password.")]
    [DataType(DataType.Password)]
    [Display(Name = "Current password")]
    public string? CurrentPassword { get; set; }
}

/// <summary>The registration link's values, carried by its page's button.</summary>
public sealed class ConfirmEmailViewModel
{
    [StringLength(450, ErrorMessage = LinkIncomplete)]
    public string? UserId { get; set; }

    [StringLength(4096, ErrorMessage = LinkIncomplete)]
    public string? Token { get; set; }

    /// <summary>Not shown (values that do not bind answer with the "link not valid" page); translated all the same.</summary>
    private const string LinkIncomplete = "The link is incomplete. Open it again from the mail.";
}

/// <summary>The mailed link's values, sent back by the confirmation page's button.</summary>
public sealed class ConfirmEmailChangeViewModel
{
    /// <summary>Shown only: read from the token, never from the link or the form.</summary>
    [BindNever]
    public string? NewEmail { get; set; }

    [Required(ErrorMessage = LinkIncomplete)]
    [StringLength(4096, ErrorMessage = LinkIncomplete)]
    public string? Token { get; set; }

    /// <summary>Not shown (a link's values that do not bind answer with the "link not valid" page); translated all the same.</summary>
    private const string LinkIncomplete = "The link is incomplete. Open it again from the mail.";
}
