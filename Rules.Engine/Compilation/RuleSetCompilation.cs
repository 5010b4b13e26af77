using Rules.Engine.RuleSets;

namespace Rules.Engine.Compilation;

/// <summary>The result of compiling a rule set: either every rule compiled, or the errors (all of them, not just the first).</summary>
public sealed record RuleSetCompilation(RuleSet RuleSet, CompiledRuleSet? Compiled, IReadOnlyList<RuleCompilationError> Errors)
{
    public bool Succeeded => Compiled is not null;
}
