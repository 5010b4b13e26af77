using System.Text.Json.Nodes;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests;

/// <summary>Builds pipelines from inline rule sources, so each test reads as the rules it runs.</summary>
internal static class PipelineFactory
{
    public static RulePipeline Create(params string[] scripts) => Create(SandboxOptions.Default, scripts);

    public static RulePipeline Create(SandboxOptions options, params string[] scripts) =>
        Create(options, null, scripts.Select((script, i) => new RuleSource($"rule{i + 1}", $"rule{i + 1}.js", script)).ToArray());

    public static RulePipeline Create(SandboxOptions options, IReadOnlyDictionary<string, string>? configuration, params RuleSource[] rules)
    {
        var compilation = RuleCompiler.Compile(new RuleSet(rules, configuration), options);
        if (!compilation.Succeeded)
        {
            throw new InvalidOperationException(string.Join("\n", compilation.Errors.Select(e => e.Format())));
        }
        return new RulePipeline(compilation.Compiled!);
    }

    public static LoginTransaction Login(string? userJson = null, string? contextJson = null, DateTimeOffset? now = null) =>
        new(JsonNode.Parse(userJson ?? """{ "user_id": "auth0|alice", "email": "alice@example.com", "name": "Alice", "app_metadata": { "roles": ["user"] } }""")!.AsObject(),
            JsonNode.Parse(contextJson ?? """{ "clientID": "app2", "clientName": "App Two", "connection": "Username-Password-Authentication", "protocol": "oidc-basic-profile" }""")!.AsObject(),
            now);

    public static LoginTransaction Impersonated(string? contextJson = null) =>
        Login("""
            { "user_id": "auth0|alice", "email": "alice@example.com", "app_metadata": {},
              "impersonated": true, "impersonator": { "user_id": "auth0|support", "email": "support@example.com" } }
            """, contextJson);
}
