using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Compilation;

/// <summary>Every rule of a set compiled, in order; <see cref="Enabled"/> are the ones a login runs.</summary>
public sealed class CompiledRuleSet
{
    internal CompiledRuleSet(RuleSet ruleSet, IReadOnlyList<CompiledRule> rules, SandboxOptions options)
    {
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
}
