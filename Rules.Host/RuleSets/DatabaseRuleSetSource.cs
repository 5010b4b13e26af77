using Rules.Engine.RuleSets;
using Rules.Host.Storage;

namespace Rules.Host.RuleSets;

/// <summary>
/// The rules the Management API keeps in the database (/api/v2/rules, /api/v2/rules-configs). A change made through
/// another instance (or anything else writing the store) bumps the "rules" revision, which reloads them here too.
/// </summary>
public sealed class DatabaseRuleSetSource(Database database, RevisionWatcher? revisions) : IRuleSetSource
{
    public string Description => "database";

    public string Key => "database";

    public RuleSet Load() =>
        // The same reading the Management API compiles a candidate from, so what it checked is what goes live; one
        // snapshot, so rules and rules-configs come from the same committed change.
        database.InSnapshot((connection, transaction) => Management.RuleStore.ReadDraft(connection, transaction).ToRuleSet());

    public IDisposable Watch(Action changed)
    {
        revisions?.Watch("rules", changed);
        return NoWatch.Instance;
    }

    private sealed class NoWatch : IDisposable
    {
        public static readonly NoWatch Instance = new();

        public void Dispose()
        {
        }
    }
}
