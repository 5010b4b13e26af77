using System.Collections.Concurrent;
using System.Net;
using Rules.Engine.Http;

namespace Rules.Engine.Tests.Http;

/// <summary>
/// The egress seam for tests: names resolve from a table, and a connection is opened only to 127.0.0.1 (the fakes).
/// Any other address the policy lets through is recorded and refused here, so a broken check can never send a packet
/// anywhere but loopback.
/// </summary>
internal sealed class RecordingNetwork(IReadOnlyDictionary<string, string[]> names) : IEgressNetwork
{
    public ConcurrentQueue<string> Resolved { get; } = new();

    /// <summary>Every address the core tried to connect to, loopback or not.</summary>
    public ConcurrentQueue<IPEndPoint> Connects { get; } = new();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Resolved.Enqueue(host);
        if (!names.TryGetValue(host, out var addresses))
        {
            throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound);
        }
        return Task.FromResult(addresses.Select(IPAddress.Parse).ToArray());
    }

    public Task<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        Connects.Enqueue(endpoint);
        if (!endpoint.Address.Equals(IPAddress.Loopback))
        {
            throw new InvalidOperationException($"test network: the policy allowed a connection to {endpoint}; no socket was opened");
        }
        return SystemEgressNetwork.Instance.ConnectAsync(endpoint, cancellationToken);
    }
}
