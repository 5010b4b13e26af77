using Rules.Engine.Modules;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Compilation;

/// <summary>Every rule of a set compiled, in order; <see cref="Enabled"/> are the ones a login runs.</summary>
public sealed class CompiledRuleSet
{
    internal CompiledRuleSet(RuleSet ruleSet, IReadOnlyList<CompiledRule> rules, SandboxOptions options, LinkedModules modules)
    {
        Modules = modules;
        RuleSet = ruleSet;
        Rules = rules;
        Enabled = rules.Where(r => r.Source.Enabled).ToArray();
        Options = options;
    }

    public RuleSet RuleSet { get; }

    public IReadOnlyList<CompiledRule> Rules { get; }

    public IReadOnlyList<CompiledRule> Enabled { get; }

    public SandboxOptions Options { get; }

    public string Version => RuleSet.Version;

    /// <summary>The modules the rules require, as <c>name</c> or <c>name@version</c>.</summary>
    public IReadOnlyList<string> RequiredModules => Modules.Required;

    internal LinkedModules Modules { get; }
}
