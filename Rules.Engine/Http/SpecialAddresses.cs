using System.Net;
using System.Net.Sockets;

namespace Rules.Engine.Http;

/// <summary>
/// Addresses a rule must not reach through a host name: loopback, private, shared (CGNAT), link-local (cloud metadata
/// at 169.254.169.254 lives there), multicast, broadcast, reserved and unspecified. Only an allow-list entry naming the
/// address or its range opens one (EgressPolicy). IPv4 carried inside IPv6 (mapped, compatible, NAT64, 6to4) is judged
/// as the IPv4 address it reaches.
/// </summary>
internal static class SpecialAddresses
{
    private static readonly (IPAddress Network, int Prefix, string Name)[] V4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8, "unspecified"),
        (IPAddress.Parse("10.0.0.0"), 8, "private"),
        (IPAddress.Parse("100.64.0.0"), 10, "shared (CGNAT)"),
        (IPAddress.Parse("127.0.0.0"), 8, "loopback"),
        (IPAddress.Parse("169.254.169.254"), 32, "cloud metadata"),
        (IPAddress.Parse("169.254.0.0"), 16, "link-local"),
        (IPAddress.Parse("172.16.0.0"), 12, "private"),
        (IPAddress.Parse("192.0.0.0"), 24, "reserved"),
        (IPAddress.Parse("192.168.0.0"), 16, "private"),
        (IPAddress.Parse("198.18.0.0"), 15, "benchmarking"),
        (IPAddress.Parse("224.0.0.0"), 4, "multicast"),
        (IPAddress.Parse("240.0.0.0"), 4, "reserved or broadcast"),
    ];

    private static readonly (IPAddress Network, int Prefix, string Name)[] V6 =
    [
        (IPAddress.Parse("fc00::"), 7, "private (unique local)"),
        (IPAddress.Parse("fe80::"), 10, "link-local"),
        (IPAddress.Parse("fec0::"), 10, "site-local"),
        (IPAddress.Parse("ff00::"), 8, "multicast"),
        (IPAddress.Parse("100::"), 64, "discard"),
        (IPAddress.Parse("2001:db8::"), 32, "documentation"),
    ];

    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");
    private static readonly IPAddress SixToFour = IPAddress.Parse("2002::");

    /// <summary>The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64, 6to4), or the address itself.</summary>
    public static IPAddress Canonical(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (InRange(address, Nat64, 96) || IsCompatible(bytes))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }
        if (InRange(address, SixToFour, 16))
        {
            return new IPAddress(bytes.AsSpan(2, 4));
        }
        return address;
    }

    /// <summary>Why the address is special ("loopback", "private", ...), or null for an ordinary public address.</summary>
    public static string? Classify(IPAddress address)
    {
        var canonical = Canonical(address);
        if (canonical.AddressFamily == AddressFamily.InterNetwork)
        {
            foreach (var (network, prefix, name) in V4)
            {
                if (InRange(canonical, network, prefix)) return name;
            }
            return null;
        }

        if (canonical.Equals(IPAddress.IPv6Loopback)) return "loopback";
        if (canonical.Equals(IPAddress.IPv6Any)) return "unspecified";
        foreach (var (network, prefix, name) in V6)
        {
            if (InRange(canonical, network, prefix)) return name;
        }
        return null;
    }

    /// <summary>True when <paramref name="address"/> lies in network/prefix; both are compared in their canonical form.</summary>
    public static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }
        Span<byte> a = stackalloc byte[16];
        Span<byte> n = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        network.TryWriteBytes(n, out _);
        var bits = Math.Min(prefix, length * 8);
        var whole = bits / 8;
        if (!a[..whole].SequenceEqual(n[..whole]))
        {
            return false;
        }
        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }
        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (n[whole] & mask);
    }

    // ::a.b.c.d (deprecated IPv4-compatible): the first 96 bits zero. :: and ::1 are handled before this is asked.
    private static bool IsCompatible(byte[] bytes)
    {
        for (var i = 0; i < 12; i++)
        {
            if (bytes[i] != 0) return false;
        }
        return !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && bytes[15] <= 1);
    }
}
