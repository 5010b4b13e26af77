namespace Rules.Engine.RuleSets;

/// <summary>
/// Rules held in memory: built by the embedding application (from its own store, a test, a generated set) and replaced
/// with <see cref="Set"/>, which a watching provider compiles and swaps in at once.
/// </summary>
public sealed class InMemoryRuleSetSource(RuleSet ruleSet, string key = "memory") : IRuleSetSource
{
    private readonly Lock _gate = new();
    private readonly List<Action> _watchers = [];
    private RuleSet _ruleSet = ruleSet ?? throw new ArgumentNullException(nameof(ruleSet));

    /// <inheritdoc/>
    public string Description => Key;

    /// <inheritdoc/>
    public string Key { get; } = key;

    /// <inheritdoc/>
    public RuleSet Load() => Volatile.Read(ref _ruleSet);

    /// <summary>Replaces the rules and tells every watcher; the provider refuses a set that does not compile and keeps the old one.</summary>
    public void Set(RuleSet next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Volatile.Write(ref _ruleSet, next);
        Action[] watchers;
        lock (_gate)
        {
            watchers = [.. _watchers];
        }
        foreach (var changed in watchers)
        {
            changed();
        }
    }

    /// <inheritdoc/>
    public IDisposable Watch(Action changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        lock (_gate)
        {
            _watchers.Add(changed);
        }
        return new Unwatch(this, changed);
    }

    private sealed class Unwatch(InMemoryRuleSetSource source, Action changed) : IDisposable
    {
        public void Dispose()
        {
            lock (source._gate)
            {
                source._watchers.Remove(changed);
            }
        }
    }
}
