using Rules.Engine.Compilation;
using Rules.Engine.Http;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests.Http;

/// <summary>Pipelines whose rules may call the given loopback fakes (allowed by exact address) and nothing else.</summary>
internal static class HttpPipelines
{
    public static readonly SandboxOptions Options = SandboxOptions.Default with
    {
        MaxHttpResponseBytes = 1000,
        HttpCallTimeout = TimeSpan.FromMilliseconds(1500),
    };

    public static RulePipeline Create(IEnumerable<string> egress, IReadOnlyDictionary<string, string> configuration, params string[] scripts) =>
        Create(Options, egress, configuration, scripts);

    public static RulePipeline Create(SandboxOptions options, IEnumerable<string> egress, IReadOnlyDictionary<string, string> configuration, params string[] scripts)
    {
        var rules = scripts.Select((script, i) => new RuleSource($"rule{i + 1}", $"rule{i + 1}.js", script));
        var compilation = RuleCompiler.Compile(new RuleSet(rules, configuration, null, egress: egress), options);
        if (!compilation.Succeeded)
        {
            throw new InvalidOperationException(string.Join("\n", compilation.Errors.Select(e => e.Format())));
        }
        return new RulePipeline(compilation.Compiled!, network: new RecordingNetwork(new Dictionary<string, string[]>()));
    }
}
