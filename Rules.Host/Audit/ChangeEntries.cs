using System.Text.Json.Nodes;
using DiffPlex.Renderer;
using Rules.Engine.RuleSets;
using Rules.Host.Management;
using Rules.Host.Tenant;

namespace Rules.Host.Audit;

/// <summary>
/// The audit entries of changes to what the server runs on: rules, rules-configs, users, signing keys and the tenant's
/// impersonation settings. Each names who (<c>details.actor</c>), what (<c>details.object</c>: type and id), the hashes
/// of the object before and after (null when it did not exist), and for a rule a unified diff of its script.
/// Secrets never appear: a rules-config entry says only whether the value changed (not even a hash, which would let a
/// low-entropy secret be guessed offline), and a user's password hash is not part of the user's hash.
/// </summary>
public static class ChangeEntries
{
    public const string RuleCreated = "rule_created";
    public const string RuleUpdated = "rule_updated";
    public const string RuleDeleted = "rule_deleted";
    public const string ConfigSet = "rules_config_set";
    public const string ConfigDeleted = "rules_config_deleted";
    public const string UserCreated = "user_created";
    public const string UserUpdated = "user_updated";
    public const string SigningKeyRotated = "signing_key_rotated";
    public const string SettingsChanged = "tenant_settings_changed";
    public const string ModuleAdded = "module_added";
    public const string ModuleRemoved = "module_removed";

    /// <summary>An npm package added to or removed from the rule set kept in the database, with its integrity and files hash.</summary>
    public static AuditEntry ForPackage(Rules.Engine.Modules.LockedPackage package, bool added, ChangeActor actor, DateTimeOffset now) =>
        Entry(now, actor, added ? ModuleAdded : ModuleRemoved, $"{(added ? "added" : "removed")} the package {package.Key}", "module", package.Key, null, new JsonObject
        {
            ["integrity"] = package.Integrity,
            ["files_hash"] = package.FilesHash,
            ["direct"] = package.Direct,
        });

    /// <summary>
    /// One entry per rule created, changed or deleted and per configuration key set or removed between two states of
    /// the rule set. Rules are matched by <paramref name="identity"/>: the id for API and Dashboard edits, the name for
    /// an import or a directory (whose rules get new or name-derived ids).
    /// </summary>
    public static IReadOnlyList<AuditEntry> ForRuleSet(RuleSetDraft before, RuleSetDraft after, ChangeActor actor, DateTimeOffset now, Func<StoredRule, string> identity)
    {
        var entries = new List<AuditEntry>();
        var previous = before.Rules.ToDictionary(identity, StringComparer.Ordinal);
        var next = after.Rules.ToDictionary(identity, StringComparer.Ordinal);
        foreach (var rule in after.Rules)
        {
            var old = previous.GetValueOrDefault(identity(rule));
            if (old is null || RuleFields(old, rule).Any())
            {
                entries.Add(ForRule(old, rule, actor, now));
            }
        }
        entries.AddRange(before.Rules.Where(r => !next.ContainsKey(identity(r))).Select(r => ForRule(r, null, actor, now)));
        foreach (var (key, value) in after.Configuration.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var existed = before.Configuration.TryGetValue(key, out var old);
            if (!existed || old != value)
            {
                entries.Add(Entry(now, actor, ConfigSet, $"{(existed ? "changed" : "added")} the rules-config \"{key}\"", "rules_config", key, null, new JsonObject
                {
                    ["value"] = existed ? "changed" : "added",
                }));
            }
        }
        foreach (var key in before.Configuration.Keys.Where(k => !after.Configuration.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            entries.Add(Entry(now, actor, ConfigDeleted, $"removed the rules-config \"{key}\"", "rules_config", key, null, new JsonObject { ["value"] = "removed" }));
        }
        return entries;
    }

    /// <summary>The rule set as a draft whose rule ids derive from names, as a directory's rules do.</summary>
    public static RuleSetDraft ToDraft(RuleSet? ruleSet) => ruleSet is null
        ? new RuleSetDraft([], new Dictionary<string, string>(StringComparer.Ordinal))
        : new RuleSetDraft(
            ruleSet.Rules.Select((r, i) => new StoredRule(RuleStore.DirectoryRuleId(r.Name), r.Name, r.Script, i + 1, r.Enabled, StoredRule.LoginSuccess)).ToArray(),
            ruleSet.Configuration);

    public static AuditEntry ForRule(StoredRule? before, StoredRule? after, ChangeActor actor, DateTimeOffset now)
    {
        var rule = (after ?? before)!;
        var (type, verb) = before is null ? (RuleCreated, "created") : after is null ? (RuleDeleted, "deleted") : (RuleUpdated, "changed");
        var details = new JsonObject
        {
            ["before_hash"] = before is null ? null : RuleHash(before),
            ["after_hash"] = after is null ? null : RuleHash(after),
        };
        if (before is not null && after is not null)
        {
            details["changed"] = new JsonArray(RuleFields(before, after).Select(f => (JsonNode)f).ToArray());
        }
        if (before?.Script != after?.Script)
        {
            var file = $"rules/{rule.Name}.js";
            details["diff"] = UnidiffRenderer.GenerateUnidiff(before?.Script ?? "", after?.Script ?? "",
                before is null ? "/dev/null" : "a/" + file, after is null ? "/dev/null" : "b/" + file, ignoreWhitespace: false, ignoreCase: false, contextLines: 3);
        }
        if (actor.Kind is "directory" or "import" && after is not null)
        {
            details["file_hash"] = ChangeActor.Sha256(after.Script);
        }
        return Entry(now, actor, type, $"{verb} the rule \"{rule.Name}\"", "rule", rule.Id, rule.Name, details);
    }

    public static AuditEntry ForUser(TenantUser? before, TenantUser after, ChangeActor actor, DateTimeOffset now)
    {
        var details = new JsonObject
        {
            ["before_hash"] = before is null ? null : UserHash(before),
            ["after_hash"] = UserHash(after),
        };
        if (before is not null)
        {
            var fields = UserFields(before, after).ToList();
            details["changed"] = new JsonArray(fields.Select(f => (JsonNode)f).ToArray());
        }
        var entry = Entry(now, actor, before is null ? UserCreated : UserUpdated,
            $"{(before is null ? "created" : "changed")} the user {after.Email ?? after.UserId}", "user", after.UserId, after.Email, details);
        return entry with { UserId = after.UserId, UserName = after.Email };
    }

    public static AuditEntry ForSigningKeyRotation(string? retiredKeyId, string newKeyId, ChangeActor actor, DateTimeOffset now) =>
        Entry(now, actor, SigningKeyRotated, $"rotated the signing key: {newKeyId} is current{(retiredKeyId is null ? "" : $", {retiredKeyId} retired")}",
            "signing_key", newKeyId, null, new JsonObject
            {
                // A kid is the hash of the key's public modulus: it names the key without revealing it.
                ["before_hash"] = retiredKeyId,
                ["after_hash"] = newKeyId,
            });

    public static AuditEntry ForSettings(TenantSettings before, TenantSettings after, ChangeActor actor, DateTimeOffset now) =>
        Entry(now, actor, SettingsChanged, "changed the tenant's impersonation settings", "tenant_settings", "impersonation", null, new JsonObject
        {
            ["before_hash"] = ChangeActor.Sha256(SettingsJson(before).ToJsonString()),
            ["after_hash"] = ChangeActor.Sha256(SettingsJson(after).ToJsonString()),
            // Not secret, and the point of the record: who may impersonate.
            ["before"] = SettingsJson(before),
            ["after"] = SettingsJson(after),
        });

    public static string RuleHash(StoredRule rule) => ChangeActor.Sha256(new JsonObject
    {
        ["id"] = rule.Id,
        ["name"] = rule.Name,
        ["script"] = rule.Script,
        ["order"] = rule.Order,
        ["enabled"] = rule.Enabled,
        ["stage"] = rule.Stage,
    }.ToJsonString());

    /// <summary>The user's profile as the API returns it (no password or hash), plus whether a password is set.</summary>
    public static string UserHash(TenantUser user)
    {
        var profile = UsersEndpoints.ToResponse(user);
        profile.Remove("updated_at");
        profile.Remove("logins_count");
        return ChangeActor.Sha256(profile.ToJsonString());
    }

    private static IEnumerable<string> RuleFields(StoredRule before, StoredRule after)
    {
        if (before.Name != after.Name) yield return "name";
        if (before.Script != after.Script) yield return "script";
        if (before.Order != after.Order) yield return "order";
        if (before.Enabled != after.Enabled) yield return "enabled";
        if (before.Stage != after.Stage) yield return "stage";
    }

    private static IEnumerable<string> UserFields(TenantUser before, TenantUser after)
    {
        if (!string.Equals(before.Email, after.Email, StringComparison.Ordinal)) yield return "email";
        if (before.Blocked != after.Blocked) yield return "blocked";
        if (before.PasswordHash != after.PasswordHash) yield return "password";
        var old = before.Profile;
        var @new = after.Profile;
        foreach (var name in old.Select(p => p.Key).Union(@new.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            if (!JsonNode.DeepEquals(old[name], @new[name]))
            {
                yield return name;
            }
        }
    }

    private static JsonObject SettingsJson(TenantSettings settings) => new()
    {
        ["impersonation_enabled"] = settings.ImpersonationEnabled,
        ["impersonators"] = new JsonArray(settings.Impersonators.Select(i => (JsonNode)i).ToArray()),
    };

    private static AuditEntry Entry(DateTimeOffset now, ChangeActor actor, string type, string description, string objectType, string objectId, string? objectName,
        JsonObject details)
    {
        var all = new JsonObject
        {
            ["actor"] = actor.ToJson(),
            ["object"] = objectName is null
                ? new JsonObject { ["type"] = objectType, ["id"] = objectId }
                : new JsonObject { ["type"] = objectType, ["id"] = objectId, ["name"] = objectName },
        };
        foreach (var (name, value) in details.ToList())
        {
            details.Remove(name);
            all[name] = value;
        }
        return new AuditEntry
        {
            Date = now,
            Type = type,
            Description = $"{Who(actor)} {description}",
            ClientId = actor.Kind == "client" ? actor.Id : null,
            ClientName = actor.ClientName,
            Ip = actor.Ip,
            UserAgent = actor.UserAgent,
            UserId = actor.Kind == "operator" ? actor.Id : null,
            UserName = actor.Kind == "operator" ? actor.Name : null,
            Details = all,
        };
    }

    private static string Who(ChangeActor actor) => actor.Kind switch
    {
        "client" => $"client {actor.Id}",
        "operator" => $"operator {actor.Name ?? actor.Id}",
        "directory" => $"the rules directory {actor.Id}",
        "import" => $"serve --import {actor.Id}",
        "rules" => $"the rules' ManagementClient ({actor.Id})",
        _ => $"the setting {actor.Id}",
    };
}
