using System.Net;

namespace Rules.Host.Risk;

/// <summary>Operator settings under <c>Rules:Risk</c>.</summary>
public sealed class RiskOptions
{
    public const string Section = "Rules:Risk";

    /// <summary>Addresses and CIDR ranges (<c>203.0.113.0/24</c>, <c>2001:db8::/32</c>) that UntrustedIP reports as found on the deny list.</summary>
    public List<string> UntrustedIps { get; set; } = [];

    /// <summary>The deny list parsed; a bad entry stops the server with the entry named.</summary>
    public IReadOnlyList<(string Entry, IPNetwork Network)> ParseUntrustedIps() => UntrustedIps.Select(entry =>
    {
        var text = entry.Trim();
        if (IPNetwork.TryParse(text, out var network))
        {
            return (text, network);
        }
        if (IPAddress.TryParse(text, out var address))
        {
            return (text, new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
        }
        throw new InvalidOperationException($"Rules:Risk:UntrustedIps: '{entry}' is not an IP address or a CIDR range such as 203.0.113.0/24.");
    }).ToArray();
}
