using System.Text.Json.Nodes;
using System.Diagnostics;
using Rules.Engine.Compilation;
using Rules.Engine.Http;
using Rules.Engine.Runtime;

namespace Rules.Engine.Pipeline;

/// <summary>
/// Runs one compiled rule-set version against logins, from any number of threads at once. Each login
/// gets a warm runtime of its own from the pool; the pipeline fails closed: whatever happens, the
/// answer is an <see cref="Outcome"/>, and any failure is a denial.
/// </summary>
public sealed class RulePipeline : IDisposable
{
    private readonly RuntimePool _pool;
    private readonly EgressHttpTransport? _egress;
    private readonly bool _recordResponses;
    private readonly SemaphoreSlim _active;
    private int _queued;
    private int _calling;
    private bool _disposed;

    /// <param name="egress">The server's part of the egress policy, added to the rule set's own "egress" list.</param>
    /// <param name="network">The resolver and connector the egress core uses; tests pass one that never leaves 127.0.0.1.</param>
    public RulePipeline(CompiledRuleSet ruleSet, EgressOptions? egress = null, IEgressNetwork? network = null)
    {
        RuleSet = ruleSet;
        _pool = new RuntimePool(ruleSet);
        _active = new SemaphoreSlim(ruleSet.Options.MaxActiveRuntimes);
        _recordResponses = egress?.RecordResponses ?? false;
        var policy = EgressPolicy.Parse(ruleSet.RuleSet.Egress.Concat(egress?.Allow ?? []));
        if (policy.Entries.Count > 0)
        {
            _egress = new EgressHttpTransport(policy, network);
        }
    }

    /// <summary>What rules of this pipeline may call: the rule set's entries, then the server's.</summary>
    public EgressPolicy Egress => _egress?.Policy ?? EgressPolicy.DenyAll;

    /// <summary>Logins running through <see cref="ExecuteAsync(LoginTransaction, CancellationToken)"/> now, waiting on the network or not.</summary>
    public int ActiveLogins => RuleSet.Options.MaxActiveRuntimes - _active.CurrentCount;

    /// <summary>Logins waiting for a runtime because all <see cref="Sandbox.SandboxOptions.MaxActiveRuntimes"/> are taken.</summary>
    public int QueuedLogins => Volatile.Read(ref _queued);

    /// <summary>The compiled rule-set version this pipeline runs; it never changes.</summary>
    public CompiledRuleSet RuleSet { get; }

    /// <summary>The rule set's version, as every outcome of this pipeline reports it.</summary>
    public string Version => RuleSet.Version;

    /// <summary>Runtimes built so far; a steady state shows this flat while logins keep coming.</summary>
    public long RuntimesCreated => _pool.CreatedCount;

    /// <summary>Warm runtimes in the pool waiting for a login.</summary>
    public int IdleRuntimes => _pool.IdleCount;

    /// <summary>Runs the login on the calling thread. Never throws for anything a rule does: every failure is a denial. A rule waiting on HTTP blocks the thread; prefer <see cref="ExecuteAsync(LoginTransaction, ExecutionOptions?, CancellationToken)"/> on a server.</summary>
    /// <param name="transaction">The user and context of the login.</param>
    /// <param name="options">Per-login seams (HTTP transport, seed, <c>auth0</c> globals); null for the defaults.</param>
    public Outcome Execute(LoginTransaction transaction, ExecutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var started = Stopwatch.GetTimestamp();
        if (RefuseBeforeRunning(transaction, started, out var runtime) is { } refused)
        {
            return refused;
        }

        EnterEgress();
        try
        {
            return runtime.Run(transaction, WithRecording(options), _egress);
        }
        finally
        {
            _pool.Return(runtime);
            LeaveEgress();
        }
    }

    /// <summary>Runs the login with default options; see <see cref="ExecuteAsync(LoginTransaction, ExecutionOptions?, CancellationToken)"/>.</summary>
    public Task<Outcome> ExecuteAsync(LoginTransaction transaction, CancellationToken cancellationToken = default) =>
        ExecuteAsync(transaction, null, cancellationToken);

    /// <summary>
    /// Runs the login; while a rule waits on an HTTP call the login holds no thread and keeps its runtime. Cancelling
    /// <paramref name="cancellationToken"/> (the request was aborted, the host is stopping) stops the rules wherever they
    /// are, denies the login with kind <c>timeout</c>, and discards the interrupted runtime. At most
    /// <see cref="Sandbox.SandboxOptions.MaxActiveRuntimes"/> logins run at once; up to
    /// <see cref="Sandbox.SandboxOptions.MaxQueuedLogins"/> more wait for one (within the time budget), and past that a
    /// login is denied at once with kind <c>busy</c>. Never throws: every failure is a denial.
    /// </summary>
    public async Task<Outcome> ExecuteAsync(LoginTransaction transaction, ExecutionOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var started = Stopwatch.GetTimestamp();
        if (!_active.Wait(0))
        {
            if (Interlocked.Increment(ref _queued) > RuleSet.Options.MaxQueuedLogins)
            {
                Interlocked.Decrement(ref _queued);
                return Busy($"all {RuleSet.Options.MaxActiveRuntimes} runtimes are in use and {RuleSet.Options.MaxQueuedLogins} logins already wait (sandbox limits MaxActiveRuntimes, MaxQueuedLogins)", started);
            }
            bool entered;
            try
            {
                entered = await _active.WaitAsync(RuleSet.Options.TimeBudget, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                entered = false;
            }
            finally
            {
                Interlocked.Decrement(ref _queued);
            }
            if (!entered)
            {
                return cancellationToken.IsCancellationRequested ? Cancelled(started) : Busy($"no runtime became free within the time budget of {RuleSet.Options.TimeBudget.TotalSeconds:0.###} s", started);
            }
        }

        try
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return Cancelled(started);
            }
            if (RefuseBeforeRunning(transaction, started, out var runtime) is { } refused)
            {
                return refused;
            }

            EnterEgress();
            try
            {
                var outcome = await runtime.RunAsync(transaction, WithRecording(options), _egress, cancellationToken).ConfigureAwait(false);
                // A caller that gave up gets a denial even when the rules finished before they saw the token: fail closed.
                return cancellationToken.IsCancellationRequested && outcome.Decision != Decision.Deny ? Cancelled(started) : outcome;
            }
            finally
            {
                _pool.Return(runtime);
                LeaveEgress();
            }
        }
        finally
        {
            _active.Release();
        }
    }

    private ExecutionOptions? WithRecording(ExecutionOptions? options) =>
        !_recordResponses || options?.RecordHttpResponses == true ? options : (options ?? new ExecutionOptions()) with { RecordHttpResponses = true };

    /// <summary>Builds warm runtimes ahead of the first logins.</summary>
    public void Warm(int runtimes = 1)
    {
        var rented = new List<RuleRuntime>();
        for (var i = 0; i < runtimes; i++)
        {
            rented.Add(_pool.Rent());
        }
        rented.ForEach(_pool.Return);
    }

    /// <summary>
    /// The checks both Execute paths make before a rule runs: a denial, or null with a rented runtime the caller returns.
    /// </summary>
    private Outcome? RefuseBeforeRunning(LoginTransaction transaction, long started, out RuleRuntime runtime)
    {
        runtime = null!;
        if (transaction.IsImpersonated && transaction.User["impersonator"] is not JsonObject)
        {
            // Who is acting must be known before any rule decides about an impersonation.
            return Refused("an impersonated login needs user.impersonator { user_id, email }", started);
        }
        try
        {
            runtime = _pool.Rent();
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return RuntimeUnavailable(e, started);
        }
    }

    private Outcome RuntimeUnavailable(Exception e, long started) =>
        Refused($"a rule runtime could not be created ({e.GetType().Name}: {e.Message})", started, "the rule runtime is unavailable");

    private Outcome Cancelled(long started) =>
        Outcome.FailClosed(DenialKind.Timeout, "the host cancelled it", "the login was cancelled by the host", Version, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    private Outcome Busy(string failure, long started) =>
        Outcome.FailClosed(DenialKind.Busy, "the server is busy; try again", failure, Version, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    private Outcome Refused(string failure, long started, string? reason = null) =>
        Outcome.FailClosed(DenialKind.RuleError, reason ?? failure, failure, Version, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    // A pipeline replaced by a new rule-set version is disposed while its last logins may still be calling out: its
    // HTTP client goes only when the last of them is done. Rule sets without egress skip the count.
    private void EnterEgress()
    {
        if (_egress is not null)
        {
            Interlocked.Increment(ref _calling);
        }
    }

    private void LeaveEgress()
    {
        if (_egress is not null && Interlocked.Decrement(ref _calling) == 0 && Volatile.Read(ref _disposed))
        {
            _egress.Dispose();
        }
    }

    /// <summary>Discards the pooled runtimes and, once no login is mid-call, the egress connections. Call it after the pipeline has been replaced; logins still running finish normally.</summary>
    public void Dispose()
    {
        _pool.Dispose();
        Volatile.Write(ref _disposed, true);
        if (_egress is not null && Volatile.Read(ref _calling) == 0)
        {
            _egress.Dispose();
        }
    }
}
