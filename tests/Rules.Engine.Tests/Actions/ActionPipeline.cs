using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests.Actions;

/// <summary>Pipelines of named files, so a test can mix Auth0 rules and Actions-style modules in order.</summary>
internal static class ActionPipeline
{
    public static RulePipeline Of(params (string Name, string Script)[] files) => Of(null, files);

    public static RulePipeline Of(IReadOnlyDictionary<string, string>? configuration, params (string Name, string Script)[] files) =>
        Of(SandboxOptions.Default, configuration, files);

    public static RulePipeline Of(SandboxOptions options, IReadOnlyDictionary<string, string>? configuration, params (string Name, string Script)[] files) =>
        PipelineFactory.Create(options, configuration, files.Select(f => new RuleSource(f.Name, f.Name + ".js", f.Script)).ToArray());

    public static RulePipeline Action(string body) => Of(("action", $$"""
        exports.onExecutePostLogin = async (event, api) => {
        {{body}}
        };
        """));
}
