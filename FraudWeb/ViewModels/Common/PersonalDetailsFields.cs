using System.ComponentModel.DataAnnotations;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Accounts;

namespace FraudWeb.ViewModels.Common;

/// <summary>
/// The personal details a card holder gives at registration and edits in the profile, and an administrator enters for
/// someone: one set of rules. Messages speak to the card holder; staff forms word them for staff through the
/// localizer (StaffForms.resx, StaffForms.zh-CN.resx). Every validation attribute states its message: the key of its translation.
/// </summary>
public abstract class PersonalDetailsFields
{
    /// <summary>
    /// What the person typed without the spaces around it (autofill and input methods add them), so the lengths checked
    /// here are the lengths the card holder's record keeps; blank is nothing, as are invisible characters only (a
    /// zero-width space): a required field then asks for its value, under the field, as the record would.
    /// </summary>
    private static string? Trimmed(string? value) => PersonalDetailsLimits.IsBlank(value) ? null : value.Trim();

    /// <summary>The validated values for the application services (call only when the model state is valid).</summary>
    public PersonalDetails ToDetails() =>
        new(FullName!, PhoneNumber!, DateOfBirth!.Value, AddressLine1!, AddressLine2, City!, Postcode, Country!);

    /// <summary>Fills the fields from a card holder's stored details (the edit forms).</summary>
    public void Fill(CardHolder holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        FullName = holder.FullName;
        PhoneNumber = holder.PhoneNumber;
        DateOfBirth = holder.DateOfBirth;
        AddressLine1 = holder.Address?.Line1;
        AddressLine2 = holder.Address?.Line2;
        City = holder.Address?.City;
        Postcode = holder.Address?.Postcode;
        Country = holder.Address?.Country;
        RowVersion = holder.RowVersion;
    }

    /// <summary>The stored details' version the edit forms were filled at (a hidden field); registration has none.</summary>
    public Guid? RowVersion { get; set; }

    [Required(ErrorMessage = "Enter your full name.")]
    [CharacterLength(PersonalDetailsLimits.FullNameMaxLength, MinimumLength = PersonalDetailsLimits.FullNameMinLength, ErrorMessage = "Your name must be 2 to 100 characters.")]
    [Display(Name = "Full name")]
    public string? FullName { get; set => field = Trimmed(value); }

    /// <remarks>Full-width digits and signs (as Chinese input methods type them) become ASCII before any check.</remarks>
    [Required(ErrorMessage = "Enter your phone number.")]
    [Phone(ErrorMessage = "Enter a valid phone number.")]
    [PhoneDigits]
    [StringLength(PersonalDetailsLimits.PhoneNumberMaxLength, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Phone number")]
    public string? PhoneNumber { get; set => field = Trimmed(PersonalDetailsLimits.NormalizePhoneNumber(value)); }

    [Required(ErrorMessage = "Enter your date of birth.")]
    [AdultDateOfBirth]
    [DataType(DataType.Date)]
    [Display(Name = "Date of birth")]
    public DateOnly? DateOfBirth { get; set; }

    [Required(ErrorMessage = "Enter the first line of your address.")]
    [CharacterLength(PersonalDetailsLimits.AddressLineMaxLength, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Address line 1")]
    public string? AddressLine1 { get; set => field = Trimmed(value); }

    [CharacterLength(PersonalDetailsLimits.AddressLineMaxLength, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Address line 2 (optional)")]
    public string? AddressLine2 { get; set => field = Trimmed(value); }

    [Required(ErrorMessage = "Enter your town or city.")]
    [CharacterLength(PersonalDetailsLimits.CityMaxLength, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Town or city")]
    public string? City { get; set => field = Trimmed(value); }

    [PostcodeWhereTheCountryHasThem(ErrorMessage = "Enter your postcode.")]
    [PostcodeForm(ErrorMessage = "Enter a valid postcode.")]
    [Display(Name = "Postcode")]
    public string? Postcode { get; set => field = Trimmed(value is null ? null : PersonalDetailsLimits.PlainDigits(value)); }

    [Required(ErrorMessage = "Enter your country.")]
    [CharacterLength(PersonalDetailsLimits.CountryMaxLength, MinimumLength = PersonalDetailsLimits.CountryMinLength,
        ErrorMessage = "{0} must have {2} to {1} characters.")]
    [Display(Name = "Country")]
    public string? Country { get; set => field = Trimmed(value); }
}
