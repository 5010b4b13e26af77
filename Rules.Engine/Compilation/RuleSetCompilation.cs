using Rules.Engine.RuleSets;

namespace Rules.Engine.Compilation;

/// <summary>The result of compiling a rule set: either every rule compiled, or the errors (all of them, not just the first).</summary>
public sealed record RuleSetCompilation(RuleSet RuleSet, CompiledRuleSet? Compiled, IReadOnlyList<RuleCompilationError> Errors)
{
    /// <summary>True when every rule compiled and <see cref="Compiled"/> can be run; false when <see cref="Errors"/> says why not.</summary>
    public bool Succeeded => Compiled is not null;
}
