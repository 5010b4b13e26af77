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

    /// <summary>
    /// Set when this run continues a login an action suspended with <c>api.redirect.sendUserTo</c>: the run starts at that
    /// action's <c>onContinuePostLogin</c> and goes on with the entries after it, as Auth0 resumes actions. Null for a
    /// login a rule suspended: it runs every rule again from the first, with <c>context.protocol</c> "redirect-callback".
    /// </summary>
    public string? ContinueAction { get; init; }

    /// <summary>Metadata updates the entries before <see cref="ContinueAction"/> made in the suspended run; they stand, as in Auth0.</summary>
    public IReadOnlyList<MetadataUpdate> CarriedMetadataUpdates { get; init; } = [];

    public static ExecutionOptions Deterministic(ulong seed) => new() { RandomSeed = seed, FreshGlobal = true };
}
