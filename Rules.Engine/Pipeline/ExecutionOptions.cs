namespace Rules.Engine.Pipeline;

/// <summary>
/// Per-login knobs the host sets for one run. <c>rules replay</c> sets the seed and a fresh global, so a record
/// evaluates the same way in any order, on any thread, in any run; the server sets <see cref="Auth0"/>.
/// </summary>
public sealed record ExecutionOptions
{
    /// <summary>Seeds the login's <c>Math.random</c>; null keeps it unpredictable, as in production.</summary>
    public ulong? RandomSeed { get; init; }

    /// <summary>Gives the rules a new empty <c>global</c> for this login instead of the runtime's shared cache.</summary>
    public bool FreshGlobal { get; init; }

    /// <summary>The host's values for <c>auth0.domain</c>, <c>auth0.baseUrl</c> and <c>auth0.accessToken</c>; null leaves them undefined.</summary>
    public Auth0Globals? Auth0 { get; init; }

    public static ExecutionOptions Deterministic(ulong seed) => new() { RandomSeed = seed, FreshGlobal = true };
}
