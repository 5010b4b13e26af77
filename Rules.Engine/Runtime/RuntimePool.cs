using System.Collections.Concurrent;
using Rules.Engine.Compilation;

namespace Rules.Engine.Runtime;

/// <summary>
/// Warm runtimes for one rule-set version. A login rents one, runs, and returns it; a burst beyond the
/// bound builds extra runtimes that are dropped on return. Broken runtimes are never returned.
/// </summary>
internal sealed class RuntimePool(CompiledRuleSet ruleSet) : IDisposable
{
    private readonly ConcurrentBag<RuleRuntime> _idle = [];
    private int _idleCount;
    private long _created;
    private bool _disposed;

    public int IdleCount => Volatile.Read(ref _idleCount);

    public long CreatedCount => Interlocked.Read(ref _created);

    public RuleRuntime Rent()
    {
        if (_idle.TryTake(out var runtime))
        {
            Interlocked.Decrement(ref _idleCount);
            return runtime;
        }

        Interlocked.Increment(ref _created);
        return new RuleRuntime(ruleSet);
    }

    public void Return(RuleRuntime runtime)
    {
        if (runtime.Broken || Volatile.Read(ref _disposed) || Interlocked.Increment(ref _idleCount) > ruleSet.Options.MaxPooledRuntimes)
        {
            if (!runtime.Broken && !_disposed)
            {
                Interlocked.Decrement(ref _idleCount);
            }
            runtime.Dispose();
            return;
        }

        _idle.Add(runtime);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryTake(out var runtime))
        {
            runtime.Dispose();
        }
    }
}
