namespace FraudWeb.Domain.Entities;

/// <summary>A postal address (value object).</summary>
public sealed record Address
{
    public Address(string line1, string? line2, string city, string postcode, string country)
    {
        if (string.IsNullOrWhiteSpace(line1)) throw new DomainException("Enter the first line of your address.");
        if (string.IsNullOrWhiteSpace(city)) throw new DomainException("Enter your town or city.");
        if (string.IsNullOrWhiteSpace(postcode)) throw new DomainException("Enter your postcode.");
        if (string.IsNullOrWhiteSpace(country)) throw new DomainException("Enter your country.");
        Line1 = line1.Trim();
        Line2 = string.IsNullOrWhiteSpace(line2) ? null : line2.Trim();
        City = city.Trim();
        Postcode = postcode.Trim().ToUpperInvariant();
        Country = country.Trim();
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
}
