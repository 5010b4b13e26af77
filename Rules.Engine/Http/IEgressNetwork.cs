using System.Net;
using System.Net.Sockets;

namespace Rules.Engine.Http;

/// <summary>
/// The two things the egress core asks of the network: what a name resolves to, and a connection to one address.
/// The policy decides between the two, on the address actually connected to, so DNS rebinding cannot slip past it.
/// Tests replace this seam with one that records the decision and never opens a socket to anything but 127.0.0.1.
/// </summary>
public interface IEgressNetwork
{
    /// <summary>Resolves <paramref name="host"/> to its addresses; the policy then checks each address before any connection is made.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);

    /// <summary>Opens a TCP connection to one address the policy allowed and returns its stream; TLS, when needed, is layered on top by the caller.</summary>
    Task<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken);
}

/// <summary>The real network: the system resolver and a TCP socket.</summary>
internal sealed class SystemEgressNetwork : IEgressNetwork
{
    public static SystemEgressNetwork Instance { get; } = new();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);

    public async Task<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
