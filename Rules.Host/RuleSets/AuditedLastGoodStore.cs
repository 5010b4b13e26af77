using Rules.Engine.RuleSets;
using Rules.Engine.Serving;
using Rules.Host.Audit;
using Rules.Host.Storage;

namespace Rules.Host.RuleSets;

/// <summary>
/// Keeps the last good version in the database (<see cref="LastGoodRuleSet"/>) and, for a directory, audits what changed
/// in it (actor "directory", each rule with its file's hash and diff) in the same transaction: a reload is never saved
/// without its record. Edits through the Management API are audited where they are made, so the database source is not.
/// </summary>
internal sealed class AuditedLastGoodStore(Database database, LastGoodRuleSet lastGood, string? directory, TimeProvider clock) : ILastGoodRuleSetStore
{
    public RuleSet? Load(string sourceKey) => lastGood.Load(sourceKey);

    public void Save(string sourceKey, RuleSet ruleSet, RuleSet? replaced)
    {
        // Compared with what last went live from the directory, across restarts too.
        var before = directory is null ? null : replaced ?? lastGood.Load(sourceKey);
        database.Write(writes =>
        {
            lastGood.Save(writes, sourceKey, ruleSet);
            if (directory is not null)
            {
                var audit = new AuditLog(database);
                foreach (var entry in ChangeEntries.ForRuleSet(ChangeEntries.ToDraft(before), ChangeEntries.ToDraft(ruleSet),
                             ChangeActor.Directory(directory), clock.GetUtcNow(), rule => rule.Name))
                {
                    audit.Write(writes, entry);
                }
            }
        });
    }
}
