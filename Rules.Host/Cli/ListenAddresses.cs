using System.Net;
using System.Net.Sockets;

namespace Rules.Host.Cli;

/// <summary>
/// Checks, before <c>rules serve</c> touches the store, that every address in <c>--urls</c> can be listened on, so a
/// second server on a busy port stops with one line instead of creating and seeding a database and then failing
/// inside Kestrel. Kestrel is still the judge (another process may take the port between this check and the start);
/// this only makes the common mistake cheap and quiet.
/// </summary>
public static class ListenAddresses
{
    /// <summary>The first URL of <paramref name="urls"/> (';'-separated) whose port is taken, or null.</summary>
    public static string? FirstInUse(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (EndPointOf(url) is { } endPoint && IsInUse(endPoint))
            {
                return url;
            }
        }
        return null;
    }

    /// <summary>The address Kestrel would bind for <paramref name="url"/>; null for port 0, unix sockets and what Kestrel itself would refuse.</summary>
    internal static IPEndPoint? EndPointOf(string url)
    {
        // Kestrel's wildcards (http://*:5000, http://+:5000) do not parse as URIs with those hosts; read them as "any".
        var normalised = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri) || uri.Port is <= 0 or > IPEndPoint.MaxPort || uri.Host.StartsWith("unix:", StringComparison.Ordinal))
        {
            return null;
        }
        var host = uri.Host.Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, uri.Port);
        }
        return IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, uri.Port) : new IPEndPoint(IPAddress.Any, uri.Port);
    }

    private static bool IsInUse(IPEndPoint endPoint)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As Kestrel does on Linux: a port whose old connections linger in TIME_WAIT is free; only a listener makes it busy.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(1);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            // Not ours to judge (an address this machine does not have, no permission): Kestrel says what is wrong.
            return false;
        }
    }
}
