using System.Text.Json.Nodes;
using Dapper;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Storage;

namespace Rules.Host.Tenant;

/// <summary>
/// Clients, connections, users and tenant settings in the database. A change made for someone (<see cref="ChangeActor"/>)
/// is audited in the change's own transaction.
/// </summary>
public sealed class TenantStore(Database database, TimeProvider clock)
{
    private readonly AuditLog _audit = new(database);

    public TenantSettings GetSettings()
    {
        using var connection = database.Open();
        var values = connection.Query<(string Key, string Value)>("SELECT key, value FROM tenant_settings")
            .ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        return new TenantSettings(
            values.GetValueOrDefault("friendly_name", "rules"),
            values.GetValueOrDefault("impersonation_enabled") == "true",
            JsonColumns.ReadList(values.GetValueOrDefault("impersonators")));
    }

    public void SaveSettings(TenantSettings settings, ChangeActor actor)
    {
        var before = GetSettings();
        database.InTransaction((connection, transaction) =>
        {
            foreach (var (key, value) in new[]
            {
                ("friendly_name", settings.FriendlyName),
                ("impersonation_enabled", settings.ImpersonationEnabled ? "true" : "false"),
                ("impersonators", JsonColumns.WriteList(settings.Impersonators)),
            })
            {
                connection.Execute("INSERT INTO tenant_settings(key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    new { key, value }, transaction);
            }
            if (before.ImpersonationEnabled != settings.ImpersonationEnabled || !before.Impersonators.SequenceEqual(settings.Impersonators, StringComparer.Ordinal))
            {
                _audit.Write(new Writes(connection, transaction), ChangeEntries.ForSettings(before, settings, actor, clock.GetUtcNow()));
            }
            return 0;
        }, exclusive: true);
    }

    public Client? GetClient(string clientId)
    {
        using var connection = database.Open();
        var row = connection.QuerySingleOrDefault<ClientRow>("SELECT * FROM clients WHERE client_id = @clientId", new { clientId });
        return row?.ToClient();
    }

    public IReadOnlyList<Client> ListClients()
    {
        using var connection = database.Open();
        return connection.Query<ClientRow>("SELECT * FROM clients ORDER BY name").Select(r => r.ToClient()).ToArray();
    }

    public ClientGrant? GetClientGrant(string clientId, string audience)
    {
        using var connection = database.Open();
        var scope = connection.QuerySingleOrDefault<string>("SELECT scope FROM client_grants WHERE client_id = @clientId AND audience = @audience", new { clientId, audience });
        return scope is null ? null : new ClientGrant(clientId, audience, JsonColumns.ReadList(scope));
    }

    public Connection? GetConnection(string name)
    {
        using var connection = database.Open();
        var row = connection.QuerySingleOrDefault<(string Id, string Name, string Strategy)?>("SELECT id, name, strategy FROM connections WHERE name = @name", new { name });
        if (row is not { } found)
        {
            return null;
        }
        var clients = connection.Query<string>("SELECT client_id FROM connection_clients WHERE connection_id = @id ORDER BY client_id", new { id = found.Id }).ToArray();
        return new Connection(found.Id, found.Name, found.Strategy, clients);
    }

    public IReadOnlyList<Connection> ListConnections()
    {
        using var connection = database.Open();
        var rows = connection.Query<(string Id, string Name, string Strategy)>("SELECT id, name, strategy FROM connections ORDER BY name").ToArray();
        var clients = connection.Query<(string ConnectionId, string ClientId)>("SELECT connection_id, client_id FROM connection_clients ORDER BY client_id")
            .ToLookup(r => r.ConnectionId, r => r.ClientId);
        return rows.Select(r => new Connection(r.Id, r.Name, r.Strategy, clients[r.Id].ToArray())).ToArray();
    }

    public TenantUser? GetUser(string userId)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<UserRow>("SELECT * FROM users WHERE user_id = @userId", new { userId })?.ToUser();
    }

    public TenantUser? FindUserByEmail(string email, string connectionName)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<UserRow>($"SELECT * FROM users WHERE {database.Sql.EmailEquals("email", "@email")} AND connection = @connectionName", new { email, connectionName })?.ToUser();
    }

    /// <summary>Every user with this email, in any connection (ignoring case, as the login page does), oldest first.</summary>
    public IReadOnlyList<TenantUser> FindUsersByEmail(string email)
    {
        using var connection = database.Open();
        return connection.Query<UserRow>($"SELECT * FROM users WHERE {database.Sql.EmailEquals("email", "@email")} ORDER BY created_at, user_id", new { email })
            .Select(r => r.ToUser()).ToArray();
    }

    /// <summary>
    /// A page of users, newest first. <paramref name="query"/> is a plain search over user_id, email and name
    /// (Auth0's Lucene syntax is reduced to <c>field:value</c> or a bare term).
    /// </summary>
    public (IReadOnlyList<TenantUser> Users, int Total) ListUsers(string? query, int page, int perPage)
    {
        var (where, parameters) = UserSearch.ToSql(query, database.Sql);
        parameters.Add("limit", perPage);
        parameters.Add("offset", page * perPage);
        using var connection = database.Open();
        var total = connection.ExecuteScalar<int>($"SELECT COUNT(*) FROM users WHERE {where}", parameters);
        var users = connection.Query<UserRow>($"SELECT * FROM users WHERE {where} ORDER BY created_at DESC, user_id LIMIT @limit OFFSET @offset", parameters)
            .Select(r => r.ToUser()).ToArray();
        return (users, total);
    }

    public void InsertUser(TenantUser user)
    {
        using var connection = database.Open();
        connection.Execute("""
            INSERT INTO users(user_id, email, connection, password_hash, blocked, logins_count, profile, created_at, updated_at)
            VALUES (@UserId, @Email, @Connection, @PasswordHash, @Blocked, @LoginsCount, @Profile, @CreatedAt, @UpdatedAt)
            """, UserRow.From(user));
    }

    public void UpdateUser(TenantUser user)
    {
        using var connection = database.Open();
        connection.Execute("""
            UPDATE users SET email = @Email, connection = @Connection, password_hash = @PasswordHash, blocked = @Blocked,
                logins_count = @LoginsCount, profile = @Profile, updated_at = @UpdatedAt
            WHERE user_id = @UserId
            """, UserRow.From(user with { UpdatedAt = clock.GetUtcNow() }));
    }

    /// <summary>
    /// Merges the rules' metadata updates into the stored users, as Auth0's PATCH does (top-level keys;
    /// null removes a key), inside the transaction that records the login they belong to.
    /// </summary>
    public void ApplyMetadataUpdates(Writes writes, IReadOnlyList<MetadataUpdate> updates)
    {
        var (connection, transaction) = writes;
        foreach (var update in updates)
        {
            var row = connection.QuerySingleOrDefault<UserRow>("SELECT * FROM users WHERE user_id = @UserId" + database.Sql.ForUpdate, new { update.UserId }, transaction);
            if (row is null)
            {
                continue;
            }
            var profile = JsonColumns.ReadObject(row.profile);
            var field = OutcomeJson.MetadataKindName(update.Kind);
            profile[field] = MergeMetadata(profile[field] as JsonObject, update.Metadata);
            connection.Execute("UPDATE users SET profile = @profile, updated_at = @now WHERE user_id = @UserId",
                new { profile = JsonColumns.Write(profile), now = JsonColumns.Timestamp(clock.GetUtcNow()), update.UserId }, transaction);
        }
    }

    public static JsonObject MergeMetadata(JsonObject? current, JsonObject patch)
    {
        var merged = (JsonObject?)current?.DeepClone() ?? [];
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value.DeepClone();
            }
        }
        return merged;
    }

    /// <summary>Counts a login and returns the new count; done before the rules run so they see it, as Auth0 did.</summary>
    public long IncrementLoginsCount(string userId)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>(
            "UPDATE users SET logins_count = logins_count + 1, updated_at = @now WHERE user_id = @userId RETURNING logins_count",
            new { userId, now = JsonColumns.Timestamp(clock.GetUtcNow()) });
    }

    /// <summary>
    /// Inserts a new user unless its user_id, or its email within its connection, is taken. The check and the insert
    /// are one exclusive transaction, so two concurrent creates of the same email cannot both succeed, on any instance.
    /// </summary>
    public UserWriteStatus CreateUser(TenantUser user, ChangeActor? actor = null)
    {
        return database.InTransaction((connection, transaction) =>
        {
            if (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM users WHERE user_id = @UserId", new { user.UserId }, transaction) > 0)
            {
                return UserWriteStatus.DuplicateUserId;
            }
            if (user.Email is not null && EmailTaken(connection, transaction, user.Email, user.Connection, exceptUserId: null))
            {
                return UserWriteStatus.DuplicateEmail;
            }
            connection.Execute("""
                INSERT INTO users(user_id, email, connection, password_hash, blocked, logins_count, profile, created_at, updated_at)
                VALUES (@UserId, @Email, @Connection, @PasswordHash, @Blocked, @LoginsCount, @Profile, @CreatedAt, @UpdatedAt)
                """, UserRow.From(user), transaction);
            if (actor is not null)
            {
                _audit.Write(new Writes(connection, transaction), ChangeEntries.ForUser(null, user, actor, clock.GetUtcNow()));
            }
            return UserWriteStatus.Done;
        }, exclusive: true);
    }

    /// <summary>
    /// Reads, changes and writes one user in one transaction (a PATCH that merges metadata cannot lose a concurrent
    /// change), refusing an email already used by another user of the same connection. With an <paramref name="actor"/>
    /// (an API client or operator, not the server's own upkeep such as re-hashing a password) the change is audited.
    /// </summary>
    public (UserWriteStatus Status, TenantUser? User) ChangeUser(string userId, Func<TenantUser, TenantUser> change, ChangeActor? actor = null)
    {
        return database.InTransaction<(UserWriteStatus, TenantUser?)>((connection, transaction) =>
        {
            var current = connection.QuerySingleOrDefault<UserRow>("SELECT * FROM users WHERE user_id = @userId" + database.Sql.ForUpdate, new { userId }, transaction)?.ToUser();
            if (current is null)
            {
                return (UserWriteStatus.NotFound, null);
            }
            var changed = change(current) with { UserId = current.UserId, UpdatedAt = clock.GetUtcNow() };
            if (changed.Email is not null && !string.Equals(changed.Email, current.Email, StringComparison.OrdinalIgnoreCase)
                && EmailTaken(connection, transaction, changed.Email, changed.Connection, exceptUserId: userId))
            {
                return (UserWriteStatus.DuplicateEmail, null);
            }
            connection.Execute("""
                UPDATE users SET email = @Email, connection = @Connection, password_hash = @PasswordHash, blocked = @Blocked,
                    logins_count = @LoginsCount, profile = @Profile, updated_at = @UpdatedAt
                WHERE user_id = @UserId
                """, UserRow.From(changed), transaction);
            if (actor is not null)
            {
                _audit.Write(new Writes(connection, transaction), ChangeEntries.ForUser(current, changed, actor, clock.GetUtcNow()));
            }
            return (UserWriteStatus.Done, changed);
        }, exclusive: true);
    }

    private bool EmailTaken(System.Data.IDbConnection connection, System.Data.IDbTransaction transaction, string email, string connectionName, string? exceptUserId) =>
        connection.ExecuteScalar<long>(
            $"SELECT COUNT(*) FROM users WHERE {database.Sql.EmailEquals("email", "@email")} AND connection = @connectionName AND (@exceptUserId IS NULL OR user_id <> @exceptUserId)",
            new { email, connectionName, exceptUserId }, transaction) > 0;

    // Dapper maps by column name; these rows are the storage shape only.
    private sealed record ClientRow(string client_id, string name, string client_secret, string app_type, string callbacks, string logout_urls, string grant_types, string client_metadata, string token_endpoint_auth_method)
    {
        public Client ToClient() => new(client_id, name, client_secret, app_type, JsonColumns.ReadList(callbacks), JsonColumns.ReadList(logout_urls),
            JsonColumns.ReadList(grant_types), JsonColumns.ReadObject(client_metadata), token_endpoint_auth_method);
    }

    private sealed record UserRow(string user_id, string? email, string connection, string? password_hash, long blocked, long logins_count, string profile, string created_at, string updated_at)
    {
        public TenantUser ToUser() => new(user_id, email, connection, blocked != 0, logins_count, JsonColumns.ReadObject(profile), password_hash,
            JsonColumns.ReadTimestamp(created_at), JsonColumns.ReadTimestamp(updated_at));

        public static object From(TenantUser user) => new
        {
            user.UserId,
            user.Email,
            user.Connection,
            user.PasswordHash,
            Blocked = user.Blocked ? 1 : 0,
            user.LoginsCount,
            Profile = JsonColumns.Write(StripStoredColumns(user.Profile)),
            CreatedAt = JsonColumns.Timestamp(user.CreatedAt),
            UpdatedAt = JsonColumns.Timestamp(user.UpdatedAt),
        };

        private static JsonObject StripStoredColumns(JsonObject profile)
        {
            var copy = (JsonObject)profile.DeepClone();
            foreach (var key in new[] { "user_id", "email", "logins_count", "blocked", "created_at", "updated_at", "password" })
            {
                copy.Remove(key);
            }
            return copy;
        }
    }
}

public enum UserWriteStatus
{
    Done,
    NotFound,
    DuplicateUserId,
    DuplicateEmail,
}
