using System.ComponentModel.DataAnnotations;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.ViewModels.Profile;

public sealed class PersonalDetailsViewModel : PersonalDetailsFields
{
    /// <summary>Shown, not edited: the email is the user name.</summary>
    [Display(Name = "Email")]
    public string? Email { get; set; }
}

public sealed class ProfileViewModel
{
    public required string FullName { get; init; }
    public required string Email { get; init; }
    public string? PhoneNumber { get; init; }
    public DateOnly? DateOfBirth { get; init; }
    public string? Address { get; init; }
    public required IReadOnlyList<CardSummaryViewModel> Cards { get; init; }
    public required CursorPage<TransactionRowViewModel> Transactions { get; init; }
    public required IReadOnlyList<TransactionRowViewModel> FraudHistory { get; init; }
}

/// <summary>Daily series for the spending and risk chart.</summary>
/// <summary>Per day: charged spend and how many payments were stopped (held or declined); no risk scores for card holders.</summary>
public sealed record ChartDataViewModel(IReadOnlyList<string> Days, IReadOnlyList<decimal> Spend, IReadOnlyList<int> Stopped);
