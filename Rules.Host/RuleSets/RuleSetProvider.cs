using Microsoft.Extensions.Options;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Host.Hosting;
using Rules.Host.Storage;

namespace Rules.Host.RuleSets;

/// <summary>
/// Holds the rule pipeline every login runs. Rules come from the database (managed through
/// /api/v2/rules) or, with --rules, from a directory that is watched for changes. A new version
/// replaces the old one atomically; one that does not compile is refused, and the previous version
/// keeps serving. Each login takes one pipeline reference, so it always evaluates one complete version.
/// </summary>
public sealed class RuleSetProvider : IDisposable
{
    private readonly Database _database;
    private readonly RulesHostOptions _options;
    private readonly ILogger<RuleSetProvider> _logger;
    private readonly RulesMetrics _metrics;
    private readonly LastGoodRuleSet _lastGood;
    private readonly object _reloadLock = new();
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private volatile RulePipeline? _current;
    private readonly RevisionWatcher? _revisions;
    private readonly TimeProvider _clock;

    public RuleSetProvider(Database database, IOptions<RulesHostOptions> options, ILogger<RuleSetProvider> logger, RulesMetrics metrics, LastGoodRuleSet lastGood,
        RevisionWatcher? revisions = null, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _revisions = revisions;
        _lastGood = lastGood;
        _database = database;
        _options = options.Value;
        _logger = logger;
        _metrics = metrics;
        metrics.ObservePool(() => _current);
        Sandbox = _options.Sandbox.Validate() with { HostModules = Modules.Auth0.Auth0ModuleSource.All };
        try
        {
            // A typo in the server's egress entries must stop the start, not fail every login later.
            Rules.Engine.Http.EgressPolicy.Parse(_options.Egress.Allow);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"Rules:Egress:Allow: {e.Message}", e);
        }
    }

    /// <summary>The limits every rule set this server compiles runs under (from Rules:Sandbox).</summary>
    public Rules.Engine.Sandbox.SandboxOptions Sandbox { get; }

    /// <summary>The pipeline to run, or null when no rule set has ever compiled (logins then fail closed).</summary>
    public RulePipeline? Current => _current;

    /// <summary>Why the last load was refused, with file:line:col; null when the last load succeeded.</summary>
    public string? LastError { get; private set; }

    /// <summary>Runs one login through the live rule set; with none live, the login fails closed as the pipeline itself would.</summary>
    public Outcome Execute(LoginTransaction transaction, ExecutionOptions? options = null)
    {
        var outcome = _current?.Execute(transaction, options) ?? NoRuleSet();
        _metrics.Decided(outcome);
        return outcome;
    }

    /// <summary>Runs one login on a version the caller took from <see cref="Current"/> (a continue after a redirect must run on the version it started on).</summary>
    public Outcome Execute(RulePipeline pipeline, LoginTransaction transaction, ExecutionOptions options)
    {
        var outcome = pipeline.Execute(transaction, options);
        _metrics.Decided(outcome);
        return outcome;
    }

    /// <summary>As <see cref="Execute"/>, for the login paths: a rule waiting on an HTTP call holds no request thread.</summary>
    public async Task<Outcome> ExecuteAsync(LoginTransaction transaction, ExecutionOptions? options, CancellationToken cancellationToken)
    {
        var outcome = _current is { } pipeline ? await pipeline.ExecuteAsync(transaction, options, cancellationToken) : NoRuleSet();
        _metrics.Decided(outcome);
        return outcome;
    }

    private static Outcome NoRuleSet() => new()
    {
        Decision = Decision.Deny,
        Error = "access_denied",
        ErrorDescription = "The login could not be completed: no rule set is live.",
        Kind = DenialKind.RuleError,
        Failure = new RuleFailure("no rule set is live"),
        Timings = new OutcomeTimings(0, []),
    };

    public string Source => _options.RulesDirectory is { } directory ? $"directory {directory}" : "database";

    /// <summary>The source as the last good version is filed under: the directory's full path, so a relative --rules matches from any working directory.</summary>
    private string SourceKey => _options.RulesDirectory is { } directory ? $"directory {Path.GetFullPath(directory)}" : "database";

    public bool FromDirectory => _options.RulesDirectory is not null;

    /// <summary>
    /// True when the rules from <see cref="Source"/> did not compile at start-up and the last version that went live
    /// (kept in the database) is serving instead; <see cref="LastError"/> says why.
    /// </summary>
    public bool ServingLastGood { get; private set; }

    public void Start()
    {
        if (_options.RulesDirectory is null)
        {
            // Another instance (or anything else writing the store) changed the rules: compile and swap them in here too.
            // Watched before the first load, so a change committed during it is not missed.
            _revisions?.Watch("rules", () => Reload());
        }
        Reload();
        if (_current is null)
        {
            ServeLastGood();
        }
        // A Deploy CLI export keeps its scripts in rules/ and its configuration in rules-configs/, and a tenant.yaml names
        // files beside it: watch the whole tree. A change that does not alter the set (a test case) reloads to the same version, a no-op.
        var watched = _options.RulesDirectory is { } path && File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path)) : _options.RulesDirectory;
        if (watched is not null && Directory.Exists(watched))
        {
            _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
            _watcher = new FileSystemWatcher(watched) { IncludeSubdirectories = true, EnableRaisingEvents = true };
            FileSystemEventHandler changed = (_, _) => _debounce.Change(200, Timeout.Infinite);
            _watcher.Changed += changed;
            _watcher.Created += changed;
            _watcher.Deleted += changed;
            _watcher.Renamed += (_, _) => _debounce.Change(200, Timeout.Infinite);
        }
    }

    /// <summary>Loads, compiles and swaps in the current rules; returns the compile errors when refused.</summary>
    public RuleSetCompilation? Reload()
    {
        lock (_reloadLock)
        {
            RuleSet ruleSet;
            try
            {
                ruleSet = _options.RulesDirectory is { } directory ? RuleSetDirectory.Load(directory) : LoadFromDatabase();
            }
            catch (RuleSetException e)
            {
                Refuse(e.Message);
                return null;
            }

            if (_current?.Version == ruleSet.Version)
            {
                _metrics.Loaded("unchanged");
                LastError = null;
                return null;
            }

            var compilation = RuleCompiler.Compile(ruleSet, Sandbox);
            if (!compilation.Succeeded)
            {
                Refuse(string.Join("\n", compilation.Errors.Select(e => e.Format())));
                return compilation;
            }

            var next = new RulePipeline(compilation.Compiled!, _options.Egress);
            // Build one runtime before the swap, so the first login on a new version does not pay the ~10 ms bootstrap.
            next.Warm();
            // Cleared before the swap (the exchange is a full fence): whoever sees the new version also sees no error.
            LastError = null;
            ServingLastGood = false;
            // A directory's edits reach the audit trail here, compared with what last went live from it (across restarts too).
            var before = _options.RulesDirectory is null ? null : _current?.RuleSet.RuleSet ?? _lastGood.Load(SourceKey);
            var previous = Interlocked.Exchange(ref _current, next);
            _metrics.Loaded("live");
            SaveLastGood(ruleSet, before);
            _logger.LogInformation("Rule set {Version} from {Source} is live ({Count} rules)", next.Version, Source, ruleSet.Rules.Count);
            // Logins that took the old pipeline finish on it; its runtimes are dropped as they come back.
            previous?.Dispose();
            return compilation;
        }
    }

    /// <summary>
    /// Remembers the set that went live and, for a directory, audits what changed in it (actor "directory", each rule
    /// with its file's hash and diff) in the same transaction: a reload is never saved without its record.
    /// </summary>
    private void SaveLastGood(RuleSet ruleSet, RuleSet? before)
    {
        _database.Write(writes =>
        {
            _lastGood.Save(writes, SourceKey, ruleSet);
            if (_options.RulesDirectory is { } directory)
            {
                var audit = new Audit.AuditLog(_database);
                foreach (var entry in Audit.ChangeEntries.ForRuleSet(Audit.ChangeEntries.ToDraft(before), Audit.ChangeEntries.ToDraft(ruleSet),
                             Audit.ChangeActor.Directory(directory), _clock.GetUtcNow(), rule => rule.Name))
                {
                    audit.Write(writes, entry);
                }
            }
        });
    }

    private void ServeLastGood()
    {
        lock (_reloadLock)
        {
            var ruleSet = _lastGood.Load(SourceKey);
            var compilation = ruleSet is null ? null : RuleCompiler.Compile(ruleSet, Sandbox);
            if (compilation is not { Succeeded: true })
            {
                return;
            }
            var pipeline = new RulePipeline(compilation.Compiled!, _options.Egress);
            pipeline.Warm();
            _current = pipeline;
            ServingLastGood = true;
            _metrics.Loaded("last_good");
            _logger.LogWarning("Serving the last rule set that went live, version {Version}, until {Source} compiles again", pipeline.Version, Source);
        }
    }

    public RuleSet LoadFromDatabase()
    {
        // The same reading the Management API compiles a candidate from, so what it checked is what goes live; one
        // snapshot, so rules and rules-configs come from the same committed change.
        return _database.InSnapshot((connection, transaction) => Management.RuleStore.ReadDraft(connection, transaction).ToRuleSet());
    }

    private void Refuse(string reason)
    {
        _metrics.Loaded("refused");
        LastError = reason;
        _logger.LogError("Rule set from {Source} refused; {State}:\n{Reason}", Source,
            _current is null ? "no rule set is live, logins are denied" : $"version {_current.Version} keeps serving", reason);
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _current?.Dispose();
    }
}
