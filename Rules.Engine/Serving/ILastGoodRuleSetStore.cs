using Rules.Engine.RuleSets;

namespace Rules.Engine.Serving;

/// <summary>
/// Keeps the last rule set that compiled and went live, per source, somewhere that outlives the process (a database
/// row, a file). When a source's rules no longer compile at start-up, <see cref="RulePipelineProvider"/> serves this
/// version instead of denying every login. Optional: without a store, a bad start serves nothing and fails closed.
/// </summary>
public interface ILastGoodRuleSetStore
{
    /// <summary>The last version that went live from the source named <paramref name="sourceKey"/>, or null.</summary>
    RuleSet? Load(string sourceKey);

    /// <summary>
    /// Called right after <paramref name="ruleSet"/> went live from <paramref name="sourceKey"/>, replacing
    /// <paramref name="replaced"/> (null when nothing was live in this process yet).
    /// </summary>
    void Save(string sourceKey, RuleSet ruleSet, RuleSet? replaced);
}
