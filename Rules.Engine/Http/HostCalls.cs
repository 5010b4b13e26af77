namespace Rules.Engine.Http;

/// <summary>
/// Calls a host answers in-process, for modules it provides (Rules.Host's <c>auth0</c> Management API client): the
/// module's JavaScript sends them through the HTTP facades to <see cref="Origin"/>, a name that never resolves
/// (<c>.invalid</c>), so they share the HTTP calls' limits (MaxHttpCalls, the time budget, the response cap), the async
/// pipeline and the decision log's records. <see cref="Pipeline.ExecutionOptions.HostCalls"/> answers them; without it,
/// a test's fixtures or a replay's recordings do, and otherwise the egress transport fails them with
/// <see cref="NotProvided"/>: they never reach the network.
/// </summary>
public static class HostCalls
{
    /// <summary>The origin a host-provided module sends its calls to; <c>.invalid</c> never resolves.</summary>
    public const string Origin = "https://host.rules.invalid";

    /// <summary>The error code a host call fails with when nothing in this process answers it.</summary>
    public const string NotProvided = "ERR_NOT_PROVIDED_BY_HOST";

    /// <summary>True when <paramref name="url"/> is addressed to the host (<see cref="Origin"/>), not the network.</summary>
    public static bool IsHostCall(Uri url) => string.Equals(url.Host, "host.rules.invalid", StringComparison.OrdinalIgnoreCase);
}
