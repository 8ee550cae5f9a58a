using System.ComponentModel.DataAnnotations;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.ViewModels.Profile;

public sealed class PersonalDetailsViewModel
{
    [Required(ErrorMessage = "Enter your full name.")]
    [StringLength(100, MinimumLength = 2, ErrorMessage = "Your name must be 2 to 100 characters.")]
    [Display(Name = "Full name")]
    public string? FullName { get; set; }

    [Display(Name = "Email")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Enter your phone number.")]
    [Phone(ErrorMessage = "Enter a valid phone number.")]
    [StringLength(30)]
    [Display(Name = "Phone number")]
    public string? PhoneNumber { get; set; }

    [Required(ErrorMessage = "Enter your date of birth.")]
    [AdultDateOfBirth]
    [DataType(DataType.Date)]
    [Display(Name = "Date of birth")]
    public DateOnly? DateOfBirth { get; set; }

    [Required(ErrorMessage = "Enter the first line of your address.")]
    [StringLength(100)]
    [Display(Name = "Address line 1")]
    public string? AddressLine1 { get; set; }

    [StringLength(100)]
    [Display(Name = "Address line 2 (optional)")]
    public string? AddressLine2 { get; set; }

    [Required(ErrorMessage = "Enter your town or city.")]
    [StringLength(60)]
    [Display(Name = "Town or city")]
    public string? City { get; set; }

    [Required(ErrorMessage = "Enter your postcode.")]
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9 \-]{1,10}$", ErrorMessage = "Enter a valid postcode.")]
    [Display(Name = "Postcode")]
    public string? Postcode { get; set; }

    [Required(ErrorMessage = "Enter your country.")]
    [StringLength(60, MinimumLength = 2)]
    [Display(Name = "Country")]
    public string? Country { get; set; }
}

public sealed record CardSummaryViewModel(long Id, string Brand, string Last4, string Expiry, string CardholderName,
    decimal CreditLimit, decimal Balance, decimal AvailableCredit)
{
    public string Masked => $"{Brand} •••• {Last4}";
}

public sealed record TransactionRowViewModel(long Id, DateTime TimestampUtc, string Card, string Merchant, string Category,
    decimal Amount, string Decision, int? RiskScore, string? Label, string? Report = null);

public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount)
{
    public int TotalPages => Math.Max(1, (TotalCount + PageSize - 1) / PageSize);
    public bool HasPrevious => Page > 1;
    public bool HasNext => Page < TotalPages;
}

public sealed class ProfileViewModel
{
    public required string FullName { get; init; }
    public required string Email { get; init; }
    public string? PhoneNumber { get; init; }
    public DateOnly? DateOfBirth { get; init; }
    public string? Address { get; init; }
    public required IReadOnlyList<CardSummaryViewModel> Cards { get; init; }
    public required PagedList<TransactionRowViewModel> Transactions { get; init; }
    public required IReadOnlyList<TransactionRowViewModel> FraudHistory { get; init; }
}

/// <summary>Daily series for the spending and risk chart.</summary>
public sealed record ChartDataViewModel(IReadOnlyList<string> Days, IReadOnlyList<decimal> Spend, IReadOnlyList<int?> MaxRisk);
