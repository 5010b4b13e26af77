using System.Text.Json;
using Rules.Engine.Http;
using Rules.Engine.Runtime;

namespace Rules.Engine.Replay;

/// <summary>
/// Replay never calls out: a rule's call is answered from the calls the decision record kept (its outcome's "http"),
/// matched by method, URL without query and request-body hash, each recorded call used once. A recorded network error is
/// answered with the same error. A call that was not recorded, or whose response body was not kept
/// (Rules:Egress:RecordResponses off), fails inside the rule and marks the record "not replayable (network)".
/// The recorded calls are read from the record's outcome in place, and only when a rule calls out.
/// </summary>
internal sealed class ReplayHttpTransport(JsonElement? recordedOutcome) : IRuleHttpTransport
{
    private List<JsonElement>? _recorded;
    private bool[] _used = [];

    /// <summary>True once the rules made a call the record cannot answer; the record is then counted apart, never as a change.</summary>
    public bool NotReplayable { get; private set; }

    public Task<RuleHttpResponse> SendAsync(RuleHttpRequest request, HttpCallLimits limits, CancellationToken cancellationToken)
    {
        var host = $"{request.Url.Scheme}://{request.Url.Authority}";
        var hash = request.Body is null ? null : RuleRuntime.Sha256(request.Body);
        lock (this)
        {
            if (_recorded is null)
            {
                _recorded = recordedOutcome is { } outcome && ParsedReplayRecord.Property(outcome, "http") is { ValueKind: JsonValueKind.Array } calls
                    ? calls.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).ToList()
                    : [];
                _used = new bool[_recorded.Count];
            }
            for (var i = 0; i < _recorded.Count; i++)
            {
                var call = _recorded[i];
                if (_used[i] || Text(call, "method") != request.Method || Text(call, "host") != host || Text(call, "path") != request.Url.AbsolutePath
                    || Text(call, "requestBodySha256") != hash)
                {
                    continue;
                }
                if (Text(call, "error") is { } error && ParsedReplayRecord.Property(call, "status") is null)
                {
                    _used[i] = true;
                    return Task.FromException<RuleHttpResponse>(new RuleHttpException(error, $"{request.Method} {request.LoggableUrl} failed: {error} (recorded)"));
                }
                if (ParsedReplayRecord.Property(call, "status") is { ValueKind: JsonValueKind.Number } status && status.TryGetInt32(out var code) && Text(call, "responseBody") is { } body)
                {
                    _used[i] = true;
                    return Task.FromResult(new RuleHttpResponse(code, "", new Dictionary<string, string>(), body, request.Url, System.Text.Encoding.UTF8.GetByteCount(body)));
                }
            }
            NotReplayable = true;
        }
        return Task.FromException<RuleHttpResponse>(new RuleHttpException(RuleHttpException.NotReplayable,
            $"{request.Method} {request.LoggableUrl} is not in the decision record with its response (replay never calls out)"));
    }

    private static string? Text(JsonElement call, string name) =>
        ParsedReplayRecord.Property(call, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
