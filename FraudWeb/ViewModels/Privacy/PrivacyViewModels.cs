using System.ComponentModel.DataAnnotations;

namespace FraudWeb.ViewModels.Privacy;

/// <summary>The "Your data" page: the download, and what closing the account would do (or why it cannot be closed here).</summary>
public sealed class PrivacyViewModel
{
    public bool IsStaff { get; init; }
    public int Cards { get; init; }
    public int Payments { get; init; }
    public int HeldForReview { get; init; }
    public int OpenReports { get; init; }
    public decimal Balance { get; init; }
    public int ActiveApiKeys { get; init; }
    public DateTime? ConsentGivenUtc { get; init; }
    public string? ConsentNotice { get; init; }

    public CloseAccountViewModel Form { get; init; } = new();
}

public sealed class CloseAccountViewModel
{
    [Required(ErrorMessage = "Enter your password to close your account.")]
    [DataType(DataType.Password)]
    [StringLength(128, ErrorMessage = "The password must be at most 128 characters.")]
    [Display(Name = "Your password")]
    public string? CurrentPassword { get; set; }
}
