using System.Globalization;

namespace FraudWeb.Tests.Builders;

/// <summary>The register form's fields, valid unless changed.</summary>
public sealed class RegistrationBuilder
{
    private readonly Dictionary<string, string> _fields;

    public RegistrationBuilder(string email, string password)
    {
        _fields = new Dictionary<string, string>
        {
            ["FullName"] = "Ada Lovelace",
            ["Email"] = email,
            ["PhoneNumber"] = "+44 20 7946 0000",
            ["DateOfBirth"] = DateTime.UtcNow.AddYears(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["AddressLine1"] = "12 Analytical Street",
            ["AddressLine2"] = "",
            ["City"] = "London",
            ["Postcode"] = "NW1 6XE",
            ["Country"] = "United Kingdom",
            ["Password"] = password,
            ["ConfirmPassword"] = password,
            ["SensitiveDataConsent"] = "true",
        };
    }

    public RegistrationBuilder With(string field, string value)
    {
        _fields[field] = value;
        return this;
    }

    public RegistrationBuilder BornYearsAgo(int years) =>
        With("DateOfBirth", DateTime.UtcNow.AddYears(-years).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    public IReadOnlyDictionary<string, string> Build() => _fields;

    /// <summary>The personal details alone, named as a form that nests them under <paramref name="prefix"/> names them.</summary>
    public IReadOnlyDictionary<string, string> Details(string prefix) =>
        _fields.Where(f => f.Key is not ("Email" or "Password" or "ConfirmPassword" or "SensitiveDataConsent")).ToDictionary(f => prefix + f.Key, f => f.Value);
}
