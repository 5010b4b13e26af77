namespace Rules.Engine.Pipeline;

/// <summary>
/// Per-login knobs the host sets for one run. Live logins use none; <c>rules replay</c> sets both, so a
/// record evaluates the same way in any order, on any thread, in any run.
/// </summary>
public sealed record ExecutionOptions
{
    /// <summary>Seeds the login's <c>Math.random</c>; null keeps it unpredictable, as in production.</summary>
    public ulong? RandomSeed { get; init; }

    /// <summary>Gives the rules a new empty <c>global</c> for this login instead of the runtime's shared cache.</summary>
    public bool FreshGlobal { get; init; }

    /// <summary>Answers this login's HTTP calls instead of the pipeline's egress transport: fixtures in tests and eval, recordings in replay.</summary>
    public Http.IRuleHttpTransport? Http { get; init; }

    /// <summary>Keeps each call's response body in <see cref="Outcome.HttpCalls"/> (Rules:Egress:RecordResponses); off by default.</summary>
    public bool RecordHttpResponses { get; init; }

    public static ExecutionOptions Deterministic(ulong seed) => new() { RandomSeed = seed, FreshGlobal = true };
}
