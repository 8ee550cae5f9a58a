using System.Net;

namespace FraudWeb.Infrastructure.Options;

/// <summary>Settings that list IP networks (trusted proxies, internal scrapers): CIDR networks or single addresses.</summary>
public static class NetworkSetting
{
    /// <summary>The networks; a value that is neither stops start-up with one line naming <paramref name="setting"/>.</summary>
    public static List<IPNetwork> Parse(string setting, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var networks = new List<IPNetwork>();
        foreach (var value in values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()))
        {
            if (IPNetwork.TryParse(value, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(value, out var address)) networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else throw new ConfigurationException($"{setting} '{value}' is not an IP address or CIDR network (e.g. 10.0.0.5 or 10.0.0.0/24).");
        }
        return networks;
    }
}
