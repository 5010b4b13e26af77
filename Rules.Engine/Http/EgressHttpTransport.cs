using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Rules.Engine.Http;

/// <summary>
/// Rules' calls to the network. The policy is asked twice per hop: before a request is sent (scheme, host, port, path)
/// and in <see cref="SocketsHttpHandler.ConnectCallback"/> for every address a connection is opened to, after DNS.
/// Redirects are followed here, at most <see cref="MaxRedirects"/>, each hop decided afresh. No proxy, no cookies, no
/// decompression (the byte cap counts what arrives).
/// </summary>
internal sealed class EgressHttpTransport : IRuleHttpTransport, IDisposable
{
    public const int MaxRedirects = 5;

    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade", "proxy-connection", "te", "trailer",
    };

    private readonly EgressPolicy _policy;
    private readonly IEgressNetwork _network;
    private readonly HttpClient _client;

    public EgressHttpTransport(EgressPolicy policy, IEgressNetwork? network = null)
    {
        _policy = policy;
        _network = network ?? SystemEgressNetwork.Instance;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            // A pooled connection was checked when it opened; recycling bounds how long a DNS answer is trusted.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public EgressPolicy Policy => _policy;

    public async Task<RuleHttpResponse> SendAsync(RuleHttpRequest request, HttpCallLimits limits, CancellationToken cancellationToken)
    {
        if (HostCalls.IsHostCall(request.Url))
        {
            throw new RuleHttpException(HostCalls.NotProvided,
                $"{request.Method} {request.LoggableUrl}: this is a call a module provided by the host makes (auth0's ManagementClient), and nothing here answers it: `rules serve` does; in `rules test` give it a fixture");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limits.Timeout);
        try
        {
            return await FollowAsync(request, limits, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RuleHttpException(RuleHttpException.TimedOut,
                $"{request.Method} {request.LoggableUrl} timed out after {limits.Timeout.TotalMilliseconds:0} ms", null, e);
        }
        catch (OperationCanceledException e)
        {
            throw new RuleHttpException(RuleHttpException.TimedOut, $"{request.Method} {request.LoggableUrl} was cancelled: the login ended", null, e);
        }
        catch (HttpRequestException e)
        {
            throw Translate(request, e);
        }
        catch (IOException e)
        {
            throw new RuleHttpException("ECONNRESET", $"{request.Method} {request.LoggableUrl}: the connection failed ({e.Message})", null, e);
        }
    }

    private async Task<RuleHttpResponse> FollowAsync(RuleHttpRequest request, HttpCallLimits limits, CancellationToken cancellationToken)
    {
        var method = request.Method;
        var url = request.Url;
        var body = request.Body;
        var headers = request.Headers;
        for (var hop = 0; ; hop++)
        {
            var (entry, refusal) = _policy.Decide(url);
            if (entry is null)
            {
                throw new RuleHttpException(RuleHttpException.EgressDenied,
                    $"{method} {RuleHttpRequest.Loggable(url)} refused by the egress policy: {refusal}" + (hop > 0 ? $" (redirect {hop})" : ""));
            }

            using var message = Build(method, url, headers, body);
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                if (hop == MaxRedirects)
                {
                    throw new RuleHttpException(RuleHttpException.TooManyRedirects, $"{request.Method} {request.LoggableUrl} redirected more than {MaxRedirects} times");
                }
                var next = new Uri(url, location);
                if (status == 303 || status is 301 or 302 && method == "POST")
                {
                    method = "GET";
                    body = null;
                }
                if (!string.Equals(next.Authority, url.Authority, StringComparison.OrdinalIgnoreCase))
                {
                    // Credentials meant for one service are not handed to the next.
                    headers = headers.Where(h => !h.Key.Equals("authorization", StringComparison.OrdinalIgnoreCase)
                        && !h.Key.Equals("cookie", StringComparison.OrdinalIgnoreCase)).ToArray();
                }
                url = next;
                continue;
            }

            var (text, bytes) = await ReadCappedAsync(response, request, limits.MaxResponseBytes, cancellationToken);
            return new RuleHttpResponse(status, response.ReasonPhrase ?? "", ReadHeaders(response), text, url, bytes);
        }
    }

    private static HttpRequestMessage Build(string method, Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, string? body)
    {
        var message = new HttpRequestMessage(new HttpMethod(method), url) { Version = HttpVersion.Version11 };
        if (body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        }
        foreach (var (name, value) in headers)
        {
            if (HopHeaders.Contains(name))
            {
                continue;
            }
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return message;
    }

    private static async Task<(string Text, long Bytes)> ReadCappedAsync(HttpResponseMessage response, RuleHttpRequest request, long cap, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > cap)
        {
            throw TooLarge(request, cap);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var collected = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (collected.Length + read > cap)
                {
                    throw TooLarge(request, cap);
                }
                collected.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return (Encoding.UTF8.GetString(collected.GetBuffer(), 0, (int)collected.Length), collected.Length);
    }

    private static RuleHttpException TooLarge(RuleHttpRequest request, long cap) =>
        new(RuleHttpException.ResponseTooLarge, $"{request.Method} {request.LoggableUrl}: the response is larger than {cap:N0} bytes (sandbox limit MaxHttpResponseBytes)", "MaxHttpResponseBytes");

    private static Dictionary<string, string> ReadHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name.ToLowerInvariant()] = string.Join(", ", values);
        }
        return headers;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var url = context.InitialRequestMessage.RequestUri!;
        var (entry, refusal) = _policy.Decide(url);
        if (entry is null)
        {
            throw new EgressRefusedException(refusal!);
        }

        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _network.ResolveAsync(host, cancellationToken);
        string? firstRefusal = null;
        SocketException? lastFailure = null;
        foreach (var address in addresses)
        {
            if (EgressPolicy.CheckAddress(entry, address) is { } why)
            {
                firstRefusal ??= why;
                continue;
            }
            try
            {
                return await _network.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
            }
            catch (SocketException e)
            {
                lastFailure = e;
            }
        }
        if (lastFailure is not null)
        {
            throw lastFailure;
        }
        throw new EgressRefusedException(firstRefusal ?? $"{host} resolved to no address");
    }

    private static RuleHttpException Translate(RuleHttpRequest request, HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case EgressRefusedException refused:
                    return new RuleHttpException(RuleHttpException.EgressDenied, $"{request.Method} {request.LoggableUrl} refused by the egress policy: {refused.Message}", null, e);
                case SocketException socket:
                    var code = socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "ECONNREFUSED",
                        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "ENOTFOUND",
                        SocketError.TimedOut => RuleHttpException.TimedOut,
                        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "EHOSTUNREACH",
                        _ => "ECONNRESET",
                    };
                    return new RuleHttpException(code, $"{request.Method} {request.LoggableUrl} failed: {code} ({socket.SocketErrorCode})", null, e);
            }
        }
        return new RuleHttpException("ECONNRESET", $"{request.Method} {request.LoggableUrl} failed: {e.HttpRequestError}", null, e);
    }

    public void Dispose() => _client.Dispose();

    private sealed class EgressRefusedException(string message) : Exception(message);
}
