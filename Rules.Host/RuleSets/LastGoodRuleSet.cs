using System.Text.Json.Nodes;
using Dapper;
using Rules.Engine.RuleSets;
using Rules.Host.Storage;

namespace Rules.Host.RuleSets;

/// <summary>
/// Remembers the last rule set that compiled and went live, in the database beside everything else. When the
/// rules no longer compile at start-up (a bad edit in the watched directory, a broken row), the server serves this
/// version rather than failing every login, and says so on /readyz.
/// </summary>
public sealed class LastGoodRuleSet(Database database, TimeProvider clock)
{
    public void Save(string source, RuleSet ruleSet) => database.Write(writes => Save(writes, source, ruleSet));

    /// <summary>Saves inside a transaction the records of the same reload share (its audit entries).</summary>
    public void Save(Writes writes, string source, RuleSet ruleSet)
    {
        var json = new JsonObject
        {
            ["rules"] = new JsonArray(ruleSet.Rules.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Name,
                ["file"] = r.File,
                ["script"] = r.Script,
                ["enabled"] = r.Enabled,
            }).ToArray()),
            ["configuration"] = new JsonObject(ruleSet.Configuration.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        writes.Connection.Execute("""
            INSERT INTO last_good_rule_set(source, version, rule_set, went_live_at) VALUES (@source, @version, @json, @now)
            ON CONFLICT(source) DO UPDATE SET version = excluded.version, rule_set = excluded.rule_set, went_live_at = excluded.went_live_at
            """, new { source, version = ruleSet.Version, json = JsonColumns.Write(json), now = JsonColumns.Timestamp(clock.GetUtcNow()) }, writes.Transaction);
    }

    /// <summary>The last good version from <paramref name="source"/> only: rules meant for another source are not a fallback.</summary>
    public RuleSet? Load(string source)
    {
        using var connection = database.Open();
        var stored = connection.QuerySingleOrDefault<string>("SELECT rule_set FROM last_good_rule_set WHERE source = @source", new { source });
        if (stored is null)
        {
            return null;
        }
        var json = JsonColumns.ReadObject(stored);
        var rules = (json["rules"] as JsonArray ?? []).OfType<JsonObject>().Select(r => new RuleSource(
            r["name"]!.GetValue<string>(), r["file"]!.GetValue<string>(), r["script"]!.GetValue<string>(), r["enabled"]!.GetValue<bool>()));
        var configuration = (json["configuration"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
        return new RuleSet(rules, configuration);
    }
}
