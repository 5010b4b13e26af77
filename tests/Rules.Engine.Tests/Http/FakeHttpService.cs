using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Rules.Engine.Tests.Http;

/// <summary>
/// A tiny HTTP/1.1 service on 127.0.0.1 for the egress tests: it records every request it receives (so a refused call can
/// be shown to have sent nothing) and answers with what the test's handler says, optionally late or byte by byte.
/// </summary>
internal sealed class FakeHttpService : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<FakeRequest, FakeResponse> _handler;
    private readonly Task _accepting;

    public FakeHttpService(Func<FakeRequest, FakeResponse>? handler = null)
    {
        _handler = handler ?? (_ => FakeResponse.Json(200, """{"ok":true}"""));
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>http://127.0.0.1:PORT, the allow-list entry that names this service's exact address.</summary>
    public string Origin => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<FakeRequest> Received { get; } = new();

    /// <summary>Targets whose status line and headers were written (and flushed) before any of their body.</summary>
    public ConcurrentQueue<string> HeadersSent { get; } = new();

    /// <summary>Body bytes written so far, by target: shows where a client cut a dripped body off.</summary>
    public ConcurrentDictionary<string, int> BodyBytesSent { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            while (await ReadRequestAsync(stream) is { } request)
            {
                Received.Enqueue(request);
                var response = _handler(request);
                if (response.DelayMs > 0)
                {
                    await Task.Delay(response.DelayMs, _stop.Token);
                }
                var body = Encoding.UTF8.GetBytes(response.Body);
                var head = new StringBuilder($"HTTP/1.1 {response.Status} {response.Reason}\r\n");
                foreach (var (name, value) in response.Headers)
                {
                    head.Append($"{name}: {value}\r\n");
                }
                head.Append(response.DripMs > 0 ? "Transfer-Encoding: identity\r\nConnection: close\r\n\r\n" : $"Content-Length: {body.Length}\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                await stream.FlushAsync(_stop.Token);
                HeadersSent.Enqueue(request.Target);
                if (response.DripMs > 0)
                {
                    foreach (var b in body)
                    {
                        await stream.WriteAsync(new[] { b }, _stop.Token);
                        BodyBytesSent.AddOrUpdate(request.Target, 1, (_, sent) => sent + 1);
                        await Task.Delay(response.DripMs, _stop.Token);
                    }
                    return;
                }
                await stream.WriteAsync(body, _stop.Token);
            }
        }
        catch (Exception)
        {
            // The client gave up (timeout, size cap): that is what those tests want.
        }
    }

    private async Task<FakeRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0) return null;
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var parts = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = Array.Empty<byte>();
        if (headers.TryGetValue("content-length", out var length) && int.Parse(length) > 0)
        {
            body = new byte[int.Parse(length)];
            await stream.ReadExactlyAsync(body, _stop.Token);
        }
        return new FakeRequest(parts[0], parts[1], headers, Encoding.UTF8.GetString(body));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _accepting; } catch (Exception) { }
        _stop.Dispose();
    }
}

internal sealed record FakeRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body);

internal sealed record FakeResponse(int Status, string Body, IReadOnlyDictionary<string, string> Headers, int DelayMs = 0, int DripMs = 0)
{
    public string Reason => Status switch { 200 => "OK", 201 => "Created", 302 => "Found", 404 => "Not Found", 500 => "Internal Server Error", _ => "Status" };

    public static FakeResponse Json(int status, string json, int delayMs = 0, int dripMs = 0) =>
        new(status, json, new Dictionary<string, string> { ["Content-Type"] = "application/json" }, delayMs, dripMs);

    public static FakeResponse Redirect(string location) => new(302, "", new Dictionary<string, string> { ["Location"] = location });
}
