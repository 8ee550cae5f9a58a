using System.ComponentModel.DataAnnotations;
using FraudWeb.Services.Accounts;

namespace FraudWeb.ViewModels.Account;

/// <summary>The two-step sign-in page: enrolment (key and QR code) or the state of an existing enrolment.</summary>
public sealed class MfaViewModel
{
    public bool Enabled { get; init; }
    public bool Required { get; init; }
    public string SharedKey { get; init; } = "";

    /// <summary>The otpauth URI as a PNG data URI (the CSP allows data: images, not inline scripts).</summary>
    public string QrCodeDataUri { get; init; } = "";
    public int RecoveryCodesLeft { get; init; }
    public EnableMfaViewModel Form { get; init; } = new();
}

public sealed class EnableMfaViewModel
{
    [Required(ErrorMessage = "Enter the 6-digit code from your app.")]
    [StringLength(7, MinimumLength = 6, ErrorMessage = "Enter the 6-digit code from your app.")]
    [Display(Name = "Code from your app")]
    public string? Code { get; set => field = value is null ? null : MfaService.NormalizeCode(value); }
}

/// <summary>Turning two-step sign-in off asks for the password again: a session alone (perhaps someone else's copy) must not remove the second factor.</summary>
public sealed class DisableMfaViewModel
{
    [Required(ErrorMessage = "Enter your password to turn two-step sign-in off.")]
    [DataType(DataType.Password)]
    [Display(Name = "Your password")]
    public string? CurrentPassword { get; set; }
}

public sealed class MfaSignInViewModel
{
    [Required(ErrorMessage = "Enter the 6-digit code from your app.")]
    [StringLength(7, MinimumLength = 6, ErrorMessage = "Enter the 6-digit code from your app.")]
    [Display(Name = "Code from your app")]
    public string? Code { get; set => field = value is null ? null : MfaService.NormalizeCode(value); }

    [Display(Name = "Remember this browser for 14 days")]
    public bool RememberBrowser { get; set; }

    [Display(Name = "Keep me signed in (not for staff accounts)")]
    public bool RememberMe { get; set; }
    public string? ReturnUrl { get; set; }
}

public sealed class MfaRecoveryViewModel
{
    [Required(ErrorMessage = "Enter one of your recovery codes.")]
    [StringLength(32, ErrorMessage = "Enter one of your recovery codes.")]
    [Display(Name = "Recovery code")]
    public string? RecoveryCode { get; set; }

    /// <summary>"Keep me signed in" from the password step, carried as on the code step.</summary>
    [Display(Name = "Keep me signed in (not for staff accounts)")]
    public bool RememberMe { get; set; }

    public string? ReturnUrl { get; set; }
}
