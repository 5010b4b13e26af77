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

    /// <summary>
    /// Set when this run continues a login an action suspended with <c>api.redirect.sendUserTo</c>: the run starts at that
    /// action's <c>onContinuePostLogin</c> and goes on with the entries after it, as Auth0 resumes actions. Null for a
    /// login a rule suspended: it runs every rule again from the first, with <c>context.protocol</c> "redirect-callback".
    /// </summary>
    public string? ContinueAction { get; init; }

    /// <summary>Metadata updates the entries before <see cref="ContinueAction"/> made in the suspended run; they stand, as in Auth0.</summary>
    public IReadOnlyList<MetadataUpdate> CarriedMetadataUpdates { get; init; } = [];

    /// <summary>The host's values for <c>auth0.domain</c>, <c>auth0.baseUrl</c> and <c>auth0.accessToken</c>; null leaves them undefined.</summary>
    public Auth0Globals? Auth0 { get; init; }

    /// <summary>Answers this login's HTTP calls instead of the pipeline's egress transport: fixtures in tests and eval, recordings in replay.</summary>
    public Http.IRuleHttpTransport? Http { get; init; }

    /// <summary>Answers this login's calls to <see cref="Http.HostCalls.Origin"/> in-process (the host's own modules, such as Rules.Host's <c>auth0</c>); null leaves them to <see cref="Http"/>, else they fail as not provided.</summary>
    public Http.IRuleHttpTransport? HostCalls { get; init; }

    /// <summary>Keeps each call's response body in <see cref="Outcome.HttpCalls"/> (Rules:Egress:RecordResponses); off by default.</summary>
    public bool RecordHttpResponses { get; init; }

    /// <summary>Options for a reproducible run: a seeded <c>Math.random</c> and crypto source and an empty <c>global</c>, as replay uses them.</summary>
    public static ExecutionOptions Deterministic(ulong seed) => new() { RandomSeed = seed, FreshGlobal = true };
}
