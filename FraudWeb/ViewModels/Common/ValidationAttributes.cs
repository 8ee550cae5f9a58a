using System.ComponentModel.DataAnnotations;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Cards;

namespace FraudWeb.ViewModels.Common;

/// <summary>A date of birth for an adult in a sensible range (the domain's rule, checked at the form).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AdultDateOfBirthAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not DateOnly date) return ValidationResult.Success; // [Required] reports a missing value
        // The issuer's date, as the domain checks it (MVC validates with the request's services).
        var issuer = validationContext?.GetService(typeof(IssuerClock)) as IssuerClock
            ?? throw new InvalidOperationException("AdultDateOfBirth needs the app's IssuerClock.");
        var age = CardHolder.AgeOn(date, issuer.Today);
        // Staff filling in someone else's details are not told "you" (IStaffForm, as the other fields' messages).
        var staff = validationContext?.ObjectInstance is IStaffForm;
        if (age < CardHolder.MinimumAge)
        {
            return new ValidationResult(staff
                ? Text.Format("The person must be at least {0} years old.", CardHolder.MinimumAge)
                : Text.Format("You must be at least {0} years old.", CardHolder.MinimumAge));
        }
        if (age > CardHolder.MaximumAge) return new ValidationResult(Text.Get(staff ? "Please check the date of birth." : "Please check your date of birth."));
        return ValidationResult.Success;
    }
}

/// <summary>A phone number with 6 to 15 digits (the domain's rule, checked at the form): [Phone] alone took "12345".</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PhoneDigitsAttribute : ValidationAttribute
{
    private static readonly PhoneAttribute Shape = new();

    // Only for a number [Phone] takes: one it refuses already has the same message (review: "abc" showed it twice).
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is not string text || PersonalDetailsLimits.IsBlank(text) || !Shape.IsValid(text) || PersonalDetailsLimits.HasPhoneDigits(text)
            ? ValidationResult.Success
            : new ValidationResult(Text.Get(PersonalDetailsLimits.InvalidPhoneNumber));
}

/// <summary>
/// Card number format, brand length and Luhn check; the message never repeats the number. The domain's messages are
/// constant English texts, so they are their own translation keys.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CardNumberAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string text || string.IsNullOrWhiteSpace(text)) return ValidationResult.Success;
        return CardNumber.Check(text) is { } problem ? new ValidationResult(Text.Of(problem)) : ValidationResult.Success;
    }
}

/// <summary>
/// <see cref="StringLengthAttribute"/> counted in characters (code points, <see cref="TextLength"/>), as the domain and
/// PostgreSQL's columns count them, not in UTF-16 units. Its messages are localized like StringLength's
/// (Infrastructure.ModelBinding.CharacterLengthAdapterProvider), and browsers check it with a rule of their own
/// (wwwroot/js/character-length.js), as jQuery Validation's length rules count units.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CharacterLengthAttribute(int maximumLength) : StringLengthAttribute(maximumLength)
{
    public override bool IsValid(object? value)
    {
        if (value is not string text) return true; // [Required] reports a missing value
        var length = TextLength.Of(text);
        return length >= MinimumLength && length <= MaximumLength;
    }
}

/// <summary>
/// A postcode is required unless the form's country has none (<see cref="Postcodes"/>: Hong Kong, the UAE, ...). MVC
/// localizes the messages of attributes it has an adapter for only, so this one localizes its own, through the form's
/// localizer as [Required]'s would be (staff forms' wording first, StaffForms.resx).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PostcodeWhereTheCountryHasThemAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (!PersonalDetailsLimits.IsBlank(value as string)) return ValidationResult.Success;
        var country = (validationContext.ObjectInstance as PersonalDetailsFields)?.Country;
        if (!Postcodes.AreRequiredIn(country)) return ValidationResult.Success;
        return Refused(ErrorMessageString, validationContext);
    }

    /// <summary>The message in the form's words and language, under the field.</summary>
    internal static ValidationResult Refused(string message, ValidationContext validationContext)
    {
        var localized = validationContext.GetService(typeof(Microsoft.Extensions.Localization.IStringLocalizerFactory)) is Microsoft.Extensions.Localization.IStringLocalizerFactory factory
            ? FormLocalizer.For(validationContext.ObjectType, factory)[message].Value
            : Text.Get(message);
        return new ValidationResult(localized, validationContext.MemberName is { } name ? [name] : null);
    }
}

/// <summary>
/// A postcode's form (<see cref="PersonalDetailsLimits.PostcodePattern"/>), checked on the server only, on the value as
/// kept (<see cref="PersonalDetailsLimits.PlainDigits"/>): as [RegularExpression] the browser checked what was typed, and
/// refused a full-width "１００-０００１" the server would have taken (review).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PostcodeFormAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (value is not string code || code.Length == 0
            || PersonalDetailsLimits.IsPostcodeForm(code))
            return ValidationResult.Success;
        return PostcodeWhereTheCountryHasThemAttribute.Refused(ErrorMessageString, validationContext);
    }
}

/// <summary>
/// A box that must be ticked (a consent). Checked on the server only: [Range(typeof(bool), ...)] gives the browser's
/// validation a numeric range, which refuses the ticked box.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MustBeTickedAttribute : ValidationAttribute
{
    // Text.Get: attributes without a client adapter are not translated by MVC's localizer.
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is true ? ValidationResult.Success : new ValidationResult(Text.Get(ErrorMessageString));
}
