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

    /// <summary>The source rule set this was compiled from (configuration, egress entries, packages).</summary>
    public RuleSet RuleSet { get; }

    /// <summary>Every rule of the set, in order, disabled ones included, so tools can lint and report on all of them.</summary>
    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>The rules a login runs, in order.</summary>
    public IReadOnlyList<CompiledRule> Enabled { get; }

    /// <summary>The sandbox limits this set was compiled for; every runtime of its pipeline enforces them.</summary>
    public SandboxOptions Options { get; }

    /// <summary>The rule set's content hash (<see cref="RuleSets.RuleSet.Version"/>), recorded in every outcome so a decision can be traced to the rules that made it.</summary>
    public string Version => RuleSet.Version;

    /// <summary>The modules the rules require, as <c>name</c> or <c>name@version</c>.</summary>
    public IReadOnlyList<string> RequiredModules => Modules.Required;

    internal LinkedModules Modules { get; }
}
