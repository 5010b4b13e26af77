using System.Collections.Concurrent;
using System.Text;

namespace Rules.Engine.Http;

/// <summary>
/// Answers calls from fixtures and never touches the network (<c>rules test</c>, <c>rules eval --http</c>). The egress
/// policy still decides first, so a test shows a missing allow-list entry the way production would. A call no fixture
/// matches fails inside the rule with <c>ERR_NO_FIXTURE</c> and is kept in <see cref="Unmatched"/>, so the case can fail
/// showing it. Delays and the byte cap behave as on the network.
/// </summary>
public sealed class FixtureHttpTransport(IReadOnlyList<HttpFixture> fixtures, EgressPolicy policy) : IRuleHttpTransport
{
    /// <summary>The calls no fixture answered, as <c>METHOD URL [body]</c>, so a test case can fail and show what the rule asked for.</summary>
    public ConcurrentQueue<string> Unmatched { get; } = new();

    /// <summary><inheritdoc /></summary>
    public async Task<RuleHttpResponse> SendAsync(RuleHttpRequest request, HttpCallLimits limits, CancellationToken cancellationToken)
    {
        var (entry, refusal) = policy.Decide(request.Url);
        if (entry is null)
        {
            throw new RuleHttpException(RuleHttpException.EgressDenied, $"{request.Method} {request.LoggableUrl} refused by the egress policy: {refusal}");
        }

        var fixture = fixtures.FirstOrDefault(f => f.Matches(request));
        if (fixture is null)
        {
            var shown = $"{request.Method} {request.Url}" + (request.Body is null ? "" : $" {request.Body}");
            Unmatched.Enqueue(shown);
            throw new RuleHttpException(RuleHttpException.NoFixture, $"no HTTP fixture matches {request.Method} {request.LoggableUrl}");
        }

        if (fixture.DelayMs > 0)
        {
            if (TimeSpan.FromMilliseconds(fixture.DelayMs) > limits.Timeout)
            {
                await Task.Delay(limits.Timeout, cancellationToken).ConfigureAwait(false);
                throw new RuleHttpException(RuleHttpException.TimedOut, $"{request.Method} {request.LoggableUrl} timed out after {limits.Timeout.TotalMilliseconds:0} ms");
            }
            await Task.Delay(fixture.DelayMs, cancellationToken).ConfigureAwait(false);
        }
        if (fixture.Error is { } error)
        {
            throw new RuleHttpException(error, $"{request.Method} {request.LoggableUrl} failed: {error} (fixture)");
        }

        var bytes = Encoding.UTF8.GetByteCount(fixture.ResponseBody);
        if (bytes > limits.MaxResponseBytes)
        {
            throw new RuleHttpException(RuleHttpException.ResponseTooLarge,
                $"{request.Method} {request.LoggableUrl}: the response is larger than {limits.MaxResponseBytes:N0} bytes (sandbox limit MaxHttpResponseBytes)", "MaxHttpResponseBytes");
        }
        return new RuleHttpResponse(fixture.Status, ReasonPhrase(fixture.Status), fixture.Headers, fixture.ResponseBody, request.Url, bytes);
    }

    private static string ReasonPhrase(int status)
    {
        using var message = new System.Net.Http.HttpResponseMessage((System.Net.HttpStatusCode)status);
        return message.ReasonPhrase ?? "";
    }
}
