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
