using System.Data;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Rules.Engine.RuleSets;
using Rules.Host.RuleSets;
using Rules.Host.Storage;

namespace Rules.Host.Management;

/// <summary>A rule as Auth0 stored it: the Management API's rule object.</summary>
public sealed record StoredRule(string Id, string Name, string Script, long Order, bool Enabled, string Stage)
{
    public const string LoginSuccess = "login_success";
}

/// <summary>Everything a rule set's version depends on, as read inside one transaction.</summary>
public sealed record RuleSetDraft(IReadOnlyList<StoredRule> Rules, IReadOnlyDictionary<string, string> Configuration, Rules.Engine.Modules.PackageSet? Packages = null)
{
    /// <summary>The rule set exactly as <see cref="RuleSetProvider.LoadFromDatabase"/> would build it from these rows.</summary>
    public RuleSet ToRuleSet() => new(
        Rules.OrderBy(r => r.Order).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => new RuleSource(r.Name, $"rules/{r.Name}.js", r.Script, r.Enabled)),
        Configuration, packages: Packages);
}

/// <summary>
/// The rules and rules_configs tables. Reads serve the API; writes take the caller's transaction, because
/// <see cref="RuleSetEditor"/> saves a change only after the whole candidate set has compiled.
/// With --rules the rules come from the directory, so reads show the live set instead of the database.
/// </summary>
public sealed class RuleStore(Database database, RuleSetProvider provider)
{
    public IReadOnlyList<StoredRule> List()
    {
        if (provider.FromDirectory)
        {
            return (provider.Current?.RuleSet.RuleSet.Rules ?? []).Select((rule, index) =>
                new StoredRule(DirectoryRuleId(rule.Name), rule.Name, rule.Script, index + 1, rule.Enabled, StoredRule.LoginSuccess)).ToArray();
        }
        using var connection = database.Open();
        return ReadRules(connection, null);
    }

    public StoredRule? Get(string id) => List().FirstOrDefault(r => r.Id == id);

    public IReadOnlyList<string> ConfigKeys()
    {
        if (provider.FromDirectory)
        {
            return (provider.Current?.RuleSet.RuleSet.Configuration.Keys ?? []).Order(StringComparer.Ordinal).ToArray();
        }
        using var connection = database.Open();
        return connection.Query<string>("SELECT key FROM rules_configs ORDER BY key").ToArray();
    }

    public static RuleSetDraft ReadDraft(IDbConnection connection, IDbTransaction transaction) => new(
        ReadRules(connection, transaction),
        connection.Query<(string Key, string Value)>("SELECT key, value FROM rules_configs", transaction: transaction)
            .ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal),
        Modules.StoredPackages.Read(connection, transaction));

    public static void Insert(IDbConnection connection, IDbTransaction transaction, StoredRule rule, DateTimeOffset now) =>
        connection.Execute("""
            INSERT INTO rules(id, name, script, "order", enabled, stage, updated_at) VALUES (@Id, @Name, @Script, @Order, @Enabled, @Stage, @now)
            """, new { rule.Id, rule.Name, rule.Script, rule.Order, Enabled = rule.Enabled ? 1 : 0, rule.Stage, now = JsonColumns.Timestamp(now) }, transaction);

    public static void Update(IDbConnection connection, IDbTransaction transaction, StoredRule rule, DateTimeOffset now) =>
        connection.Execute("""
            UPDATE rules SET name = @Name, script = @Script, "order" = @Order, enabled = @Enabled, stage = @Stage, updated_at = @now WHERE id = @Id
            """, new { rule.Id, rule.Name, rule.Script, rule.Order, Enabled = rule.Enabled ? 1 : 0, rule.Stage, now = JsonColumns.Timestamp(now) }, transaction);

    public static void Delete(IDbConnection connection, IDbTransaction transaction, string id) =>
        connection.Execute("DELETE FROM rules WHERE id = @id", new { id }, transaction);

    public static void SetConfig(IDbConnection connection, IDbTransaction transaction, string key, string value) =>
        connection.Execute("INSERT INTO rules_configs(key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            new { key, value }, transaction);

    public static void DeleteConfig(IDbConnection connection, IDbTransaction transaction, string key) =>
        connection.Execute("DELETE FROM rules_configs WHERE key = @key", new { key }, transaction);

    /// <summary>Makes the tables hold exactly <paramref name="ruleSet"/>: its rules in order, and its configuration.</summary>
    public static void ReplaceAll(IDbConnection connection, IDbTransaction transaction, RuleSet ruleSet, DateTimeOffset now)
    {
        connection.Execute("DELETE FROM rules", transaction: transaction);
        connection.Execute("DELETE FROM rules_configs", transaction: transaction);
        for (var i = 0; i < ruleSet.Rules.Count; i++)
        {
            var rule = ruleSet.Rules[i];
            Insert(connection, transaction, new StoredRule(NewRuleId(), rule.Name, rule.Script, i + 1, rule.Enabled, StoredRule.LoginSuccess), now);
        }
        foreach (var (key, value) in ruleSet.Configuration)
        {
            SetConfig(connection, transaction, key, value);
        }
    }

    public static string NewRuleId() => "rul_" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <summary>Directory rules have no stored id; one derived from the name stays the same across reloads.</summary>
    public static string DirectoryRuleId(string name) => "rul_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..16];

    private static StoredRule[] ReadRules(IDbConnection connection, IDbTransaction? transaction) =>
        connection.Query<(string Id, string Name, string Script, long Order, long Enabled, string Stage)>(
                "SELECT id, name, script, \"order\", enabled, stage FROM rules ORDER BY \"order\", name", transaction: transaction)
            .Select(r => new StoredRule(r.Id, r.Name, r.Script, r.Order, r.Enabled != 0, r.Stage))
            .ToArray();
}
