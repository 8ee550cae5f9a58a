using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Domain.Entities;

public sealed class AddressTests
{
    [Theory]
    [InlineData("Hong Kong")]
    [InlineData("hong kong sar")]
    [InlineData("HK")]
    [InlineData("中国香港")]
    [InlineData("Macau")]
    [InlineData("United Arab Emirates")]
    [InlineData("U.A.E.")]
    [InlineData("阿联酋")]
    [InlineData("Qatar")]
    [InlineData("The Bahamas")]
    [InlineData("Côte d'Ivoire")]
    public void New_NoPostcodeInACountryWithout_KeptAsNone(string country)
    {
        // Act
        var address = new Address("1 Queen's Road", null, "Central", "  ", country);

        // Assert
        Assert.Equal("", address.Postcode);
        Assert.Equal($"1 Queen's Road, Central, {country.Trim()}", address.ToSingleLine());
    }

    [Theory]
    [InlineData("United Kingdom")]
    [InlineData("China")]
    [InlineData("中国")]
    [InlineData("Dominican Republic")]
    [InlineData("Guinea")]
    [InlineData("Atlantis")]
    public void New_NoPostcodeInACountryWithThem_Refused(string country)
    {
        // Act
        var refused = Assert.Throws<DomainException>(() => new Address("1 High Street", null, "Leeds", null, country));

        // Assert
        Assert.Equal("Enter your postcode.", refused.Message);
    }

    [Fact]
    public void New_MalformedPostcodeInACountryWithout_StillRefused()
    {
        // Act
        var refused = Assert.Throws<DomainException>(() => new Address("1 Queen's Road", null, "Central", "!!", "Hong Kong"));

        // Assert
        Assert.Equal("Enter a valid postcode.", refused.Message);
    }
}
