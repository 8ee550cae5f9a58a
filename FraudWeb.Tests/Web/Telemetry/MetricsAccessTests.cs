using System.Net;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Telemetry;

namespace FraudWeb.Tests.Web.Telemetry;

public sealed class MetricsAccessTests
{
    private static readonly IReadOnlyList<IPNetwork> Configured = MetricsAccess.ParseNetworks(["10.0.0.0/8", "192.168.5.7", "fd00::/8"]);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void IsInternal_Loopback_TrueWithoutConfiguration(string address)
    {
        // Act
        var result = MetricsAccess.IsInternal(IPAddress.Parse(address), []);

        // Assert
        Assert.True(result);
    }

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("10.255.255.254", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("192.168.5.7", true)]
    [InlineData("fd12:3456::1", true)]
    [InlineData("11.0.0.1", false)]
    [InlineData("192.168.5.8", false)]
    [InlineData("::ffff:192.168.5.8", false)]
    [InlineData("fe80::1", false)]
    [InlineData("203.0.113.9", false)]
    public void IsInternal_ConfiguredNetworks_OnlyAddressesInside(string address, bool expected)
    {
        // Act
        var result = MetricsAccess.IsInternal(IPAddress.Parse(address), Configured);

        // Assert
        Assert.Equal(expected, result);
    }

    [Fact]
    public void IsInternal_NoAddress_False()
    {
        // Act
        var result = MetricsAccess.IsInternal(null, Configured);

        // Assert
        Assert.False(result);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-a-network")]
    [InlineData("10.0.0.0/8,")]
    public void ParseNetworks_BadValue_ConfigurationErrorNamingTheSetting(string value)
    {
        // Act
        var error = Assert.Throws<ConfigurationException>(() => MetricsAccess.ParseNetworks([value]));

        // Assert
        Assert.Contains("Telemetry:MetricsAllowedNetworks", error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }
}
