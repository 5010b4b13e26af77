namespace Rules.Engine.Serving;

/// <summary>What one load of the source ended in.</summary>
public enum RuleSetLoadResult
{
    /// <summary>A new version compiled and replaced the one serving.</summary>
    Live,

    /// <summary>The source holds the version already serving; nothing changed.</summary>
    Unchanged,

    /// <summary>The rules could not be read or did not compile; the version serving (if any) keeps serving.</summary>
    Refused,

    /// <summary>At start the source's rules were refused, and the last good version from the store is serving instead.</summary>
    LastGood,
}

/// <summary>Raised by <see cref="RulePipelineProvider.Loaded"/> after every load of the source.</summary>
public sealed class RuleSetLoadedEventArgs(RuleSetLoadResult result, string? version, string? error) : EventArgs
{
    /// <summary>What the load ended in.</summary>
    public RuleSetLoadResult Result { get; } = result;

    /// <summary>The version serving after the load, or null when none is.</summary>
    public string? Version { get; } = version;

    /// <summary>Why the load was refused (with file:line:col for compile errors); null otherwise.</summary>
    public string? Error { get; } = error;
}
