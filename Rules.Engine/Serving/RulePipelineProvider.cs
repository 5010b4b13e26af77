using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rules.Engine.Compilation;
using Rules.Engine.Http;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Serving;

/// <summary>
/// Holds the live <see cref="RulePipeline"/> and keeps it current: reads the rules from an <see cref="IRuleSetSource"/>,
/// compiles them, warms a runtime, and swaps the new version in atomically. A version that does not compile is
/// refused and the previous one keeps serving; at start, the last good version from an
/// <see cref="ILastGoodRuleSetStore"/> serves when the source's rules are refused. Each login takes one pipeline
/// reference, so it always evaluates one complete version. Thread-safe.
/// </summary>
public sealed class RulePipelineProvider : IDisposable
{
    private readonly IRuleSetSource _source;
    private readonly EgressOptions? _egress;
    private readonly ILastGoodRuleSetStore? _lastGood;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private volatile RulePipeline? _current;
    private volatile bool _started;
    private IDisposable? _watch;

    /// <param name="source">Where the rules come from.</param>
    /// <param name="sandbox">The limits every version runs under; validated here, so a bad limit fails the start.</param>
    /// <param name="scripts">The parsed-script cache versions share; null uses <see cref="ScriptCache.Shared"/>.</param>
    /// <param name="egress">The server's part of the egress policy, added to each rule set's own list.</param>
    /// <param name="lastGood">Where the last version that went live is kept, for a start whose rules are refused.</param>
    /// <param name="logger">Receives one line per version that goes live, is refused, or serves as last good.</param>
    public RulePipelineProvider(IRuleSetSource source, SandboxOptions sandbox, ScriptCache? scripts = null, EgressOptions? egress = null,
        ILastGoodRuleSetStore? lastGood = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sandbox);
        _source = source;
        Sandbox = sandbox.Validate();
        Scripts = scripts ?? ScriptCache.Shared;
        _egress = egress;
        _lastGood = lastGood;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Raised after every load of the source (on the thread that loaded), whatever it ended in.</summary>
    public event EventHandler<RuleSetLoadedEventArgs>? Loaded;

    /// <summary>The limits every version this provider compiles runs under.</summary>
    public SandboxOptions Sandbox { get; }

    /// <summary>The parsed-script cache this provider compiles into; compile candidates into it too, so going live reuses their parses.</summary>
    public ScriptCache Scripts { get; }

    /// <summary>Where the rules come from, for logs and status pages.</summary>
    public string Source => _source.Description;

    /// <summary>The pipeline to run, or null when no version has ever compiled (logins then fail closed).</summary>
    public RulePipeline? Current => _current;

    /// <summary>Why the last load was refused, with file:line:col; null when the last load succeeded.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// True when the source's rules did not compile at start and the last version that went live (from the
    /// <see cref="ILastGoodRuleSetStore"/>) is serving instead; <see cref="LastError"/> says why.
    /// </summary>
    public bool ServingLastGood { get; private set; }

    /// <summary>
    /// Loads the first version (or the last good one), then watches the source and reloads on every change.
    /// Calling it again does nothing; <see cref="ExecuteAsync"/> calls it when nobody has.
    /// </summary>
    public void Start()
    {
        lock (_reloadLock)
        {
            if (_started)
            {
                return;
            }
            _started = true;
            // Watched before the first load, so a change made during it is not missed.
            _watch = _source.Watch(ReloadOnChange);
            Reload();
            if (_current is null)
            {
                ServeLastGood();
            }
        }
    }

    /// <summary>
    /// Runs one login through the live version; with none live, the login is denied (fail closed). Never throws.
    /// See <see cref="RulePipeline.ExecuteAsync(LoginTransaction, ExecutionOptions?, CancellationToken)"/> for cancellation.
    /// </summary>
    public Task<Outcome> ExecuteAsync(LoginTransaction transaction, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            Start();
        }
        return _current is { } pipeline ? pipeline.ExecuteAsync(transaction, options, cancellationToken) : Task.FromResult(NoRuleSet());
    }

    /// <summary>The denial every login gets while no version is live.</summary>
    public static Outcome NoRuleSet() => Outcome.FailClosed(DenialKind.RuleError, "no rule set is live", "no rule set is live", ruleSetVersion: null);

    // A change notification runs on a timer thread: an exception escaping it would end the process. The live version
    // stays in place (logins keep their rules) and the failure is logged; the next change tries again.
    private void ReloadOnChange()
    {
        try
        {
            Reload();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogError(e, "Reloading the rule set from {Source} failed; the live version stays", Source);
        }
    }

    /// <summary>Loads, compiles and swaps in the source's current rules; returns the compilation (with its errors when refused), or null when nothing was compiled.</summary>
    public RuleSetCompilation? Reload()
    {
        lock (_reloadLock)
        {
            RuleSet ruleSet;
            try
            {
                ruleSet = _source.Load();
            }
            catch (RuleSetException e)
            {
                Refuse(e.Message);
                return null;
            }

            if (_current?.Version == ruleSet.Version)
            {
                LastError = null;
                Raise(RuleSetLoadResult.Unchanged, null);
                return null;
            }

            var compilation = RuleCompiler.Compile(ruleSet, Sandbox, Scripts);
            if (!compilation.Succeeded)
            {
                Refuse(string.Join("\n", compilation.Errors.Select(e => e.Format())));
                return compilation;
            }

            var next = new RulePipeline(compilation.Compiled!, _egress);
            // Build runtimes before the swap, so the first logins on a new version do not pay the ~10 ms bootstrap.
            next.Warm(RuntimesToWarm(next));
            // Cleared before the swap (the exchange is a full fence): whoever sees the new version also sees no error.
            LastError = null;
            ServingLastGood = false;
            var replaced = _current?.RuleSet.RuleSet;
            var previous = Interlocked.Exchange(ref _current, next);
            Raise(RuleSetLoadResult.Live, null);
            _lastGood?.Save(_source.Key, ruleSet, replaced);
            _logger.LogInformation("Rule set {Version} from {Source} is live ({Count} rules)", next.Version, Source, ruleSet.Rules.Count);
            // Logins that took the old pipeline finish on it; its runtimes are dropped as they come back.
            previous?.Dispose();
            return compilation;
        }
    }

    /// <summary>
    /// One runtime, or the pool's whole bound when rules may call out: such logins keep their runtime while they wait, so
    /// a burst of them needs a runtime each at once, and building those on the thread pool while the first logins' calls
    /// are in flight starved the calls' connects and answers past the call timeout (tests/soak/README.md, issue 17).
    /// </summary>
    private static int RuntimesToWarm(RulePipeline pipeline) =>
        pipeline.Egress.Entries.Count > 0 ? pipeline.RuleSet.Options.MaxPooledRuntimes : 1;

    private void ServeLastGood()
    {
        var ruleSet = _lastGood?.Load(_source.Key);
        var compilation = ruleSet is null ? null : RuleCompiler.Compile(ruleSet, Sandbox, Scripts);
        if (compilation is not { Succeeded: true })
        {
            return;
        }
        var pipeline = new RulePipeline(compilation.Compiled!, _egress);
        pipeline.Warm(RuntimesToWarm(pipeline));
        _current = pipeline;
        ServingLastGood = true;
        Raise(RuleSetLoadResult.LastGood, LastError);
        _logger.LogWarning("Serving the last rule set that went live, version {Version}, until {Source} compiles again", pipeline.Version, Source);
    }

    private void Refuse(string reason)
    {
        LastError = reason;
        Raise(RuleSetLoadResult.Refused, reason);
        _logger.LogError("Rule set from {Source} refused; {State}:\n{Reason}", Source,
            _current is null ? "no rule set is live, logins are denied" : $"version {_current.Version} keeps serving", reason);
    }

    private void Raise(RuleSetLoadResult result, string? error) => Loaded?.Invoke(this, new RuleSetLoadedEventArgs(result, _current?.Version, error));

    /// <summary>Stops watching the source and disposes the live pipeline.</summary>
    public void Dispose()
    {
        _watch?.Dispose();
        _current?.Dispose();
    }
}
