namespace Rules.Engine.Http;

/// <summary>
/// Where a rule's calls go: the network behind the egress policy (<see cref="EgressHttpTransport"/>), a test case's
/// fixtures (<see cref="FixtureHttpTransport"/>) or a decision log's recorded responses (replay). Implementations are
/// shared by every runtime of a pipeline and so must be thread-safe.
/// </summary>
public interface IRuleHttpTransport
{
    /// <summary>Completes with the response, or fails with <see cref="RuleHttpException"/>; never with anything else.</summary>
    Task<RuleHttpResponse> SendAsync(RuleHttpRequest request, HttpCallLimits limits, CancellationToken cancellationToken);
}
