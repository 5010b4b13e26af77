using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Rules.Host.Storage;

namespace Rules.Host.Tenant;

/// <summary>
/// Loads a tenant file in the shapes of Auth0's Deploy CLI export (tenant, clients, clientGrants,
/// connections with enabled_clients by name or id, roles, users, rules, rulesConfigs) into an empty database. A user's
/// <c>roles</c> (role names; our extension: the export keeps assignments elsewhere) assigns the seeded roles.
/// The whole seed is one transaction: a bad file leaves the database empty, with an error naming the entry.
/// </summary>
public sealed class TenantSeed(Database database, TimeProvider clock)
{
    public const string ManagementAudienceSuffix = "/api/v2/";

    /// <summary>Whether the database holds a tenant (any client); seeding applies only while it does not.</summary>
    public bool HasTenant()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM clients") > 0;
    }

    /// <summary>Seeds when the database has no clients yet; returns false when it already had a tenant.</summary>
    public bool SeedIfEmpty(string seedFile)
    {
        if (HasTenant())
        {
            return false;
        }

        JsonObject seed;
        try
        {
            seed = JsonNode.Parse(File.ReadAllText(seedFile), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new TenantSeedException($"{seedFile}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new TenantSeedException($"{seedFile}:{(e.LineNumber ?? 0) + 1}: not valid JSON");
        }
        catch (IOException e)
        {
            throw new TenantSeedException($"{seedFile}: cannot be read: {e.Message}");
        }

        // Exclusive, and checked again inside: instances starting together on an empty shared store seed it once.
        return database.InTransaction((connection, transaction) =>
        {
            if (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM clients", transaction: transaction) > 0)
            {
                return false;
            }
            Apply(seedFile, seed, connection, transaction);
            return true;
        }, exclusive: true);
    }

    private void Apply(string file, JsonObject seed, System.Data.IDbConnection connection, System.Data.IDbTransaction transaction)
    {
        var now = JsonColumns.Timestamp(clock.GetUtcNow());
        var tenant = seed["tenant"] as JsonObject ?? [];
        var flags = tenant["flags"] as JsonObject ?? [];
        var impersonation = tenant["impersonation"] as JsonObject ?? [];
        var dashboard = tenant["dashboard"] as JsonObject ?? [];
        var settings = new Dictionary<string, string>
        {
            ["friendly_name"] = tenant["friendly_name"]?.GetValue<string>() ?? "rules",
            ["impersonation_enabled"] = (flags["enable_impersonation"]?.GetValue<bool>() ?? impersonation["enabled"]?.GetValue<bool>() ?? false) ? "true" : "false",
            ["impersonators"] = JsonColumns.WriteList(Strings(impersonation["impersonators"])),
            // Our extension of the export: who may sign in to the operator Dashboard (user_id or email).
            ["dashboard_operators"] = JsonColumns.WriteList(Strings(dashboard["operators"])),
        };
        foreach (var (key, value) in settings)
        {
            connection.Execute("INSERT INTO tenant_settings(key, value) VALUES (@key, @value)", new { key, value }, transaction);
        }

        var clientIdsByName = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var client in Objects(seed["clients"]))
        {
            var where = $"{file}: clients[{index++}]";
            var clientId = Required(client, "client_id", where);
            var name = client["name"]?.GetValue<string>() ?? clientId;
            clientIdsByName[name] = clientId;
            connection.Execute("""
                INSERT INTO clients(client_id, name, client_secret, app_type, callbacks, logout_urls, grant_types, client_metadata, token_endpoint_auth_method)
                VALUES (@clientId, @name, @secret, @appType, @callbacks, @logoutUrls, @grantTypes, @metadata, @authMethod)
                """, new
            {
                clientId,
                name,
                // A public client has nothing to keep a secret in; the token endpoint never accepts one from it.
                secret = AuthMethod(client, where) == Client.None ? client["client_secret"]?.GetValue<string>() ?? "" : Required(client, "client_secret", where),
                appType = client["app_type"]?.GetValue<string>() ?? "regular_web",
                callbacks = JsonColumns.WriteList(Strings(client["callbacks"])),
                logoutUrls = JsonColumns.WriteList(Strings(client["allowed_logout_urls"])),
                grantTypes = JsonColumns.WriteList(Strings(client["grant_types"])),
                metadata = JsonColumns.Write(client["client_metadata"] as JsonObject ?? []),
                authMethod = AuthMethod(client, where),
            }, transaction);
        }

        string ResolveClient(string nameOrId, string where) =>
            clientIdsByName.TryGetValue(nameOrId, out var id) ? id
            : clientIdsByName.ContainsValue(nameOrId) ? nameOrId
            : throw new TenantSeedException($"{where}: no client named or with id '{nameOrId}'");

        index = 0;
        foreach (var grant in Objects(seed["clientGrants"]))
        {
            var where = $"{file}: clientGrants[{index++}]";
            connection.Execute("INSERT INTO client_grants(client_id, audience, scope) VALUES (@clientId, @audience, @scope)", new
            {
                clientId = ResolveClient(Required(grant, "client_id", where), where),
                audience = Required(grant, "audience", where),
                scope = JsonColumns.WriteList(Strings(grant["scope"])),
            }, transaction);
        }

        index = 0;
        foreach (var connectionSeed in Objects(seed["connections"]))
        {
            var where = $"{file}: connections[{index++}]";
            var name = Required(connectionSeed, "name", where);
            var id = connectionSeed["id"]?.GetValue<string>() ?? "con_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..16];
            connection.Execute("INSERT INTO connections(id, name, strategy) VALUES (@id, @name, @strategy)",
                new { id, name, strategy = connectionSeed["strategy"]?.GetValue<string>() ?? "auth0" }, transaction);
            foreach (var client in Strings(connectionSeed["enabled_clients"]))
            {
                connection.Execute("INSERT INTO connection_clients(connection_id, client_id) VALUES (@id, @clientId)",
                    new { id, clientId = ResolveClient(client, where) }, transaction);
            }
        }

        var roleIdsByName = new Dictionary<string, string>(StringComparer.Ordinal);
        index = 0;
        foreach (var role in Objects(seed["roles"]))
        {
            var where = $"{file}: roles[{index++}]";
            var name = Required(role, "name", where);
            var id = role["id"]?.GetValue<string>() ?? RoleStore.NewId();
            if (!roleIdsByName.TryAdd(name, id))
            {
                throw new TenantSeedException($"{where}: a role named '{name}' is already defined");
            }
            connection.Execute("INSERT INTO roles(id, name, description) VALUES (@id, @name, @description)",
                new { id, name, description = role["description"]?.GetValue<string>() }, transaction);
        }

        index = 0;
        foreach (var user in Objects(seed["users"]))
        {
            var where = $"{file}: users[{index++}]";
            var userId = Required(user, "user_id", where);
            var profile = (JsonObject)user.DeepClone();
            var password = profile["password"]?.GetValue<string>();
            foreach (var key in new[] { "user_id", "email", "password", "connection", "blocked", "logins_count", "created_at", "updated_at", "roles" })
            {
                profile.Remove(key);
            }
            connection.Execute("""
                INSERT INTO users(user_id, email, connection, password_hash, blocked, logins_count, profile, created_at, updated_at)
                VALUES (@userId, @email, @connection, @hash, @blocked, @logins, @profile, @now, @now)
                """, new
            {
                userId,
                email = user["email"]?.GetValue<string>(),
                connection = user["connection"]?.GetValue<string>() ?? "Username-Password-Authentication",
                hash = password is null ? null : Passwords.Hash(userId, password),
                blocked = user["blocked"]?.GetValue<bool>() == true ? 1 : 0,
                logins = user["logins_count"]?.GetValue<long>() ?? 0,
                profile = JsonColumns.Write(profile),
                now,
            }, transaction);
            foreach (var roleName in Strings(user["roles"]))
            {
                var roleId = roleIdsByName.GetValueOrDefault(roleName) ?? throw new TenantSeedException($"{where}: no role named '{roleName}' in \"roles\"");
                connection.Execute("INSERT INTO user_roles(user_id, role_id) VALUES (@userId, @roleId)", new { userId, roleId }, transaction);
            }
        }

        index = 0;
        foreach (var rule in Objects(seed["rules"]))
        {
            var where = $"{file}: rules[{index}]";
            var script = rule["script"]?.GetValue<string>();
            if (script is null && rule["script_file"]?.GetValue<string>() is { } scriptFile)
            {
                var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, scriptFile);
                script = File.Exists(path) ? File.ReadAllText(path) : throw new TenantSeedException($"{where}: script_file '{scriptFile}' does not exist");
            }
            connection.Execute("""
                INSERT INTO rules(id, name, script, "order", enabled, updated_at) VALUES (@id, @name, @script, @order, @enabled, @now)
                """, new
            {
                id = rule["id"]?.GetValue<string>() ?? $"rul_{Guid.NewGuid():N}"[..20],
                name = Required(rule, "name", where),
                script = script ?? throw new TenantSeedException($"{where}: needs \"script\" or \"script_file\""),
                order = rule["order"]?.GetValue<long>() ?? index + 1,
                enabled = rule["enabled"]?.GetValue<bool>() == false ? 0 : 1,
                now,
            }, transaction);
            index++;
        }

        // Our extension: a rules directory (ARCHITECTURE.md layout) next to the seed, so the sample tenant and
        // `rules check` share one copy of the sample rules.
        if (seed["rulesDirectory"]?.GetValue<string>() is { } rulesDirectory)
        {
            var directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, rulesDirectory);
            Rules.Engine.RuleSets.RuleSet ruleSet;
            try
            {
                ruleSet = Rules.Engine.RuleSets.RuleSetDirectory.Load(directory);
            }
            catch (Rules.Engine.RuleSets.RuleSetException e)
            {
                throw new TenantSeedException($"{file}: rulesDirectory: {e.Message}");
            }
            var order = index;
            foreach (var rule in ruleSet.Rules)
            {
                connection.Execute("""
                    INSERT INTO rules(id, name, script, "order", enabled, updated_at) VALUES (@id, @name, @script, @order, @enabled, @now)
                    """, new { id = $"rul_{Guid.NewGuid():N}"[..20], name = rule.Name, script = rule.Script, order = ++order, enabled = rule.Enabled ? 1 : 0, now }, transaction);
            }
            foreach (var (key, value) in ruleSet.Configuration)
            {
                connection.Execute("INSERT INTO rules_configs(key, value) VALUES (@key, @value)", new { key, value }, transaction);
            }
        }

        foreach (var (key, value) in seed["rulesConfigs"] as JsonObject ?? [])
        {
            connection.Execute("INSERT INTO rules_configs(key, value) VALUES (@key, @value)", new { key, value = value?.GetValue<string>() ?? "" }, transaction);
        }
    }

    /// <summary>Auth0's token_endpoint_auth_method; a single-page application without one is public, as Auth0 creates SPAs.</summary>
    private static string AuthMethod(JsonObject client, string where)
    {
        var method = client["token_endpoint_auth_method"]?.GetValue<string>()
            ?? (client["app_type"]?.GetValue<string>() == "spa" ? Client.None : Client.SecretPost);
        return method is Client.None or Client.SecretPost or "client_secret_basic"
            ? method
            : throw new TenantSeedException($"{where}: token_endpoint_auth_method '{method}' is not one of none, client_secret_post, client_secret_basic");
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? node) => node is JsonArray array ? array.OfType<JsonObject>() : [];

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n?.GetValue<string>()).Where(s => s is not null).Cast<string>() : [];

    private static string Required(JsonObject obj, string key, string where) =>
        obj[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new TenantSeedException($"{where}: \"{key}\" is required");
}

public sealed class TenantSeedException(string message) : Exception(message);
