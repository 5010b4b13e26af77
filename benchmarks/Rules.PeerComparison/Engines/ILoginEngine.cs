using System.Text.Json.Nodes;

namespace Rules.PeerComparison.Engines;

/// <summary>One engine set up for one workload: runs its logins by index and says what it decided.</summary>
public interface ILoginEngine : IDisposable
{
    /// <summary>Runs login <paramref name="index"/> of the workload; the result is only kept alive, never inspected, while timing.</summary>
    object Login(int index);

    /// <summary>Runs login <paramref name="index"/> and returns its outcome in <see cref="ComparableOutcome"/>'s shape.</summary>
    JsonObject Comparable(int index);
}

/// <summary>
/// A named way to run rules. <paramref name="ThreadSafe"/>: one instance may serve several threads at once
/// (our pipeline pools runtimes); otherwise each thread gets its own instance (a V8 engine is single-threaded).
/// </summary>
public sealed record EngineKind(string Name, Func<Workload, ILoginEngine> Create, bool ThreadSafe, bool Cold = false);
