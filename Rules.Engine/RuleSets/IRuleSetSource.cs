namespace Rules.Engine.RuleSets;

/// <summary>
/// Where a <see cref="Serving.RulePipelineProvider"/> reads its rules from: a directory, memory, or a host's own store.
/// The provider compiles what <see cref="Load"/> returns and swaps it in; the source only reads and watches.
/// </summary>
public interface IRuleSetSource
{
    /// <summary>Says where the rules come from in logs and status pages, e.g. <c>directory rules/</c>.</summary>
    string Description { get; }

    /// <summary>
    /// Names this source when its last good version is stored, stable across restarts and working directories
    /// (a directory's full path, for example), so rules meant for another source are never served as a fallback.
    /// </summary>
    string Key { get; }

    /// <summary>Reads the rules as they are now. Throws <see cref="RuleSetException"/> when they cannot be read.</summary>
    RuleSet Load();

    /// <summary>
    /// Calls <paramref name="changed"/> whenever the rules may have changed (any thread; a change that turns out to be
    /// none is cheap: the provider sees the same version and keeps it). Disposing the result stops watching.
    /// </summary>
    IDisposable Watch(Action changed);
}
