namespace FraudWeb.Domain.Entities;

/// <summary>A postal address (value object).</summary>
public sealed record Address
{
    /// <param name="postcode">Required where the country has postcodes (<see cref="Postcodes"/>); none is kept as "".</param>
    public Address(string line1, string? line2, string city, string? postcode, string country)
    {
        // Invisible characters only (a zero-width space) are no value: a required part asks for it.
        if (PersonalDetailsLimits.IsBlank(line1)) throw new DomainException("Enter the first line of your address.");
        if (PersonalDetailsLimits.IsBlank(city)) throw new DomainException("Enter your town or city.");
        if (PersonalDetailsLimits.IsBlank(postcode) && Postcodes.AreRequiredIn(country)) throw new DomainException("Enter your postcode.");
        if (PersonalDetailsLimits.IsBlank(country)) throw new DomainException("Enter your country.");
        Line1 = PersonalDetailsLimits.Checked(line1, 1, PersonalDetailsLimits.AddressLineMaxLength, "An address line must be at most 100 characters.");
        // Optional: a second line that shows as nothing is kept as none.
        Line2 = PersonalDetailsLimits.IsBlank(line2) ? null
            : PersonalDetailsLimits.Checked(line2, 1, PersonalDetailsLimits.AddressLineMaxLength, "An address line must be at most 100 characters.");
        City = PersonalDetailsLimits.Checked(city, 1, PersonalDetailsLimits.CityMaxLength, "The town or city must be at most 60 characters.");
        // None where the country has none (the column keeps "", as before a postcode was optional anywhere).
        var code = PersonalDetailsLimits.IsBlank(postcode) ? "" : PersonalDetailsLimits.PlainDigits(postcode.Trim());
        if (code.Length > 0 && (code.Length > PersonalDetailsLimits.PostcodeMaxLength
            || !PersonalDetailsLimits.IsPostcodeForm(code)))
        {
            throw new DomainException("Enter a valid postcode.");
        }
        Postcode = code.ToUpperInvariant();
        Country = PersonalDetailsLimits.Checked(country, PersonalDetailsLimits.CountryMinLength, PersonalDetailsLimits.CountryMaxLength,
            "The country must be 2 to 60 characters.");
    }

    private Address()
    {
        Line1 = City = Postcode = Country = "";
    }

    public string Line1 { get; private init; }
    public string? Line2 { get; private init; }
    public string City { get; private init; }
    public string Postcode { get; private init; }
    public string Country { get; private init; }

    /// <summary>One line for screens and letters: the parts given, comma-separated.</summary>
    /// <summary>The address on one line, its parts joined by <paramref name="separator"/> (the page's language's comma).</summary>
    public string ToSingleLine(string separator = ", ") =>
        string.Join(separator, new[] { Line1, Line2, City, Postcode, Country }.Where(s => !string.IsNullOrWhiteSpace(s)));
}
