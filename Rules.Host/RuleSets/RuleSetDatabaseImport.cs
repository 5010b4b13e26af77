using Rules.Engine.Compilation;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;
using Rules.Host.Audit;
using Rules.Host.Management;
using Rules.Host.Storage;

namespace Rules.Host.RuleSets;

/// <summary>
/// <c>rules serve --import DIR</c>: replaces the database's rules and rules-configs with a rule set read from disk
/// (a Deploy CLI export or our layout), as <c>a0deploy import</c> replaces a tenant's, and its npm packages
/// (modules.lock.json and modules/) with the database's. Only a set that compiles is
/// written, in one transaction with the audit entries of what changed (actor "import"); otherwise the database keeps what it had and the server does not start.
/// </summary>
public static class RuleSetDatabaseImport
{
    public static RuleSet Import(string path, Database database, SandboxOptions sandbox, DateTimeOffset now)
    {
        RuleSet ruleSet;
        try
        {
            ruleSet = RuleSetDirectory.Load(path);
        }
        catch (RuleSetException e)
        {
            throw new RuleSetImportException($"--import: {e.Message}");
        }

        var compilation = RuleCompiler.Compile(ruleSet, sandbox);
        if (!compilation.Succeeded)
        {
            throw new RuleSetImportException($"--import '{path}' does not compile, so the database's rules were left as they were:\n"
                + string.Join("\n", compilation.Errors.Select(e => e.Format())));
        }

        database.InTransaction((connection, transaction) =>
        {
            var before = RuleStore.ReadDraft(connection, transaction);
            RuleStore.ReplaceAll(connection, transaction, ruleSet, now);
            // The packages beside the rules come too (checked against their hashes when the set compiled above).
            var packages = ruleSet.Packages?.Lock ?? Rules.Engine.Modules.ModulesLock.Empty;
            Modules.StoredPackages.Replace(connection, transaction, packages,
                packages.Packages.ToDictionary(p => p.Key, p => ruleSet.Packages!.Find(p.Name, p.Version)!.Files, StringComparer.Ordinal), now);
            // Matched by name: the imported rules get new ids. Each rule that changed is audited with its diff.
            var audit = new AuditLog(database);
            foreach (var entry in ChangeEntries.ForRuleSet(before, RuleStore.ReadDraft(connection, transaction), ChangeActor.Import(path), now, rule => rule.Name))
            {
                audit.Write(new Writes(connection, transaction), entry);
            }
            return 0;
        }, exclusive: true);
        return ruleSet;
    }
}

public sealed class RuleSetImportException(string message) : Exception(message);
