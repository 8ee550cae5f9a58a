using System.ComponentModel.DataAnnotations;

namespace FraudWeb.ViewModels.Common;

/// <summary>The personal details a card holder gives at registration and edits in the profile: one set of rules.</summary>
public abstract class PersonalDetailsFields
{
    [Required(ErrorMessage = "Enter your full name.")]
    [StringLength(100, MinimumLength = 2, ErrorMessage = "Your name must be 2 to 100 characters.")]
    [Display(Name = "Full name")]
    public string? FullName { get; set; }

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
