using Microsoft.Extensions.Options;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Serving;
using Rules.Host.Hosting;
using Rules.Host.Storage;

namespace Rules.Host.RuleSets;

/// <summary>
/// The server's rule pipeline: the engine's <see cref="RulePipelineProvider"/> (compile, warm-up, atomic swap,
/// last-good fallback) over this server's source (the database, managed through /api/v2/rules, or with --rules a
/// watched directory), with the last good version and a directory's changes kept in the database, and every load and
/// decision counted in the metrics.
/// </summary>
public sealed class RuleSetProvider : IDisposable
{
    private readonly Database _database;
    private readonly RulesHostOptions _options;
    private readonly RulesMetrics _metrics;

    public RuleSetProvider(Database database, IOptions<RulesHostOptions> options, ILogger<RuleSetProvider> logger, RulesMetrics metrics, LastGoodRuleSet lastGood,
        RevisionWatcher? revisions = null, TimeProvider? clock = null, ScriptCache? scripts = null)
    {
        _database = database;
        _options = options.Value;
        _metrics = metrics;
        try
        {
            // A typo in the server's egress entries must stop the start, not fail every login later.
            Rules.Engine.Http.EgressPolicy.Parse(_options.Egress.Allow);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"Rules:Egress:Allow: {e.Message}", e);
        }
        IRuleSetSource source = _options.RulesDirectory is { } directory ? new DirectoryRuleSetSource(directory) : new DatabaseRuleSetSource(database, revisions);
        Pipelines = new RulePipelineProvider(source, _options.Sandbox with { HostModules = Modules.Auth0.Auth0ModuleSource.All }, scripts, _options.Egress,
            new AuditedLastGoodStore(database, lastGood, _options.RulesDirectory, clock ?? TimeProvider.System), logger);
        Pipelines.Loaded += (_, loaded) => metrics.Loaded(loaded.Result switch
        {
            RuleSetLoadResult.Live => "live",
            RuleSetLoadResult.Unchanged => "unchanged",
            RuleSetLoadResult.LastGood => "last_good",
            _ => "refused",
        });
        metrics.ObservePool(() => Pipelines.Current);
    }

    /// <summary>The engine's provider this server's logins run through (registered for embedders' code as well).</summary>
    public RulePipelineProvider Pipelines { get; }

    /// <summary>The limits every rule set this server compiles runs under (from Rules:Sandbox).</summary>
    public Rules.Engine.Sandbox.SandboxOptions Sandbox => Pipelines.Sandbox;

    /// <summary>The script cache the live rule sets are parsed into (the one registered by AddRulesEngine).</summary>
    public ScriptCache Scripts => Pipelines.Scripts;

    /// <summary>The server's own egress entries (Rules:Egress), which every pipeline it builds adds to the rule set's "egress".</summary>
    public Rules.Engine.Http.EgressOptions Egress => _options.Egress;

    /// <summary>The pipeline to run, or null when no rule set has ever compiled (logins then fail closed).</summary>
    public RulePipeline? Current => Pipelines.Current;

    /// <summary>Why the last load was refused, with file:line:col; null when the last load succeeded.</summary>
    public string? LastError => Pipelines.LastError;

    /// <summary>Runs one login on a version the caller took from <see cref="Current"/> (a continue after a redirect must run on the version it started on).</summary>
    public async Task<Outcome> ExecuteAsync(RulePipeline pipeline, LoginTransaction transaction, ExecutionOptions options, CancellationToken cancellationToken)
    {
        var outcome = await pipeline.ExecuteAsync(transaction, options, cancellationToken);
        _metrics.Decided(outcome);
        return outcome;
    }

    /// <summary>Runs one login through the live rule set (with none live, it fails closed as the pipeline itself would); a rule waiting on an HTTP call holds no request thread.</summary>
    public async Task<Outcome> ExecuteAsync(LoginTransaction transaction, ExecutionOptions? options, CancellationToken cancellationToken)
    {
        var outcome = Current is { } pipeline ? await pipeline.ExecuteAsync(transaction, options, cancellationToken) : RulePipelineProvider.NoRuleSet();
        _metrics.Decided(outcome);
        return outcome;
    }

    public string Source => Pipelines.Source;

    public bool FromDirectory => _options.RulesDirectory is not null;

    /// <summary>
    /// True when the rules from <see cref="Source"/> did not compile at start-up and the last version that went live
    /// (kept in the database) is serving instead; <see cref="LastError"/> says why.
    /// </summary>
    public bool ServingLastGood => Pipelines.ServingLastGood;

    public void Start() => Pipelines.Start();

    /// <summary>Loads, compiles and swaps in the current rules; returns the compile errors when refused.</summary>
    public RuleSetCompilation? Reload() => Pipelines.Reload();

    public RuleSet LoadFromDatabase() => new DatabaseRuleSetSource(_database, null).Load();

    public void Dispose() => Pipelines.Dispose();
}
