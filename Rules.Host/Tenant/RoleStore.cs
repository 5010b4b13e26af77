using System.Security.Cryptography;
using Dapper;
using Rules.Host.Storage;

namespace Rules.Host.Tenant;

/// <summary>A role, as Auth0's role-based access control has it: an id, a unique name and an optional description.</summary>
public sealed record Role(string Id, string Name, string? Description);

public enum RoleWriteStatus
{
    Done,
    NotFound,
    DuplicateName,
}

/// <summary>
/// Roles and who holds them. Every login reads the user's role names (<see cref="NamesOf"/>) into
/// <c>context.authorization.roles</c>; the Management API and the Dashboard assign and remove them.
/// </summary>
public sealed class RoleStore(Database database)
{
    /// <summary>Auth0's role ids: <c>rol_</c> and 16 letters and digits.</summary>
    public static string NewId() => "rol_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 16);

    public (IReadOnlyList<Role> Roles, int Total) List(string? nameFilter, int page, int perPage)
    {
        var where = nameFilter is null ? "1 = 1" : database.Sql.LikeIgnoringCase("name", "@pattern");
        var parameters = new { pattern = nameFilter is null ? null : "%" + SqlDialect.EscapeLike(nameFilter) + "%", limit = perPage, offset = page * perPage };
        using var connection = database.Open();
        var total = connection.ExecuteScalar<int>($"SELECT COUNT(*) FROM roles WHERE {where}", parameters);
        var roles = connection.Query<Role>($"SELECT id AS Id, name AS Name, description AS Description FROM roles WHERE {where} ORDER BY name, id LIMIT @limit OFFSET @offset", parameters).ToArray();
        return (roles, total);
    }

    public IReadOnlyList<Role> All()
    {
        using var connection = database.Open();
        return connection.Query<Role>("SELECT id AS Id, name AS Name, description AS Description FROM roles ORDER BY name, id").ToArray();
    }

    public Role? Get(string id)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<Role>("SELECT id AS Id, name AS Name, description AS Description FROM roles WHERE id = @id", new { id });
    }

    public (RoleWriteStatus Status, Role? Role) Create(string name, string? description) =>
        database.InTransaction<(RoleWriteStatus, Role?)>((connection, transaction) =>
        {
            if (NameTaken(connection, transaction, name, exceptId: null))
            {
                return (RoleWriteStatus.DuplicateName, null);
            }
            var role = new Role(NewId(), name, description);
            connection.Execute("INSERT INTO roles(id, name, description) VALUES (@Id, @Name, @Description)", role, transaction);
            return (RoleWriteStatus.Done, role);
        }, exclusive: true);

    /// <summary>Changes the name and/or the description (null leaves a field as it is).</summary>
    public (RoleWriteStatus Status, Role? Role) Update(string id, string? name, string? description) =>
        database.InTransaction<(RoleWriteStatus, Role?)>((connection, transaction) =>
        {
            var current = connection.QuerySingleOrDefault<Role>("SELECT id AS Id, name AS Name, description AS Description FROM roles WHERE id = @id" + database.Sql.ForUpdate, new { id }, transaction);
            if (current is null)
            {
                return (RoleWriteStatus.NotFound, null);
            }
            if (name is not null && name != current.Name && NameTaken(connection, transaction, name, exceptId: id))
            {
                return (RoleWriteStatus.DuplicateName, null);
            }
            var changed = current with { Name = name ?? current.Name, Description = description ?? current.Description };
            connection.Execute("UPDATE roles SET name = @Name, description = @Description WHERE id = @Id", changed, transaction);
            return (RoleWriteStatus.Done, changed);
        }, exclusive: true);

    /// <summary>Deletes the role and every assignment of it.</summary>
    public bool Delete(string id) => database.InTransaction((connection, transaction) =>
    {
        connection.Execute("DELETE FROM user_roles WHERE role_id = @id", new { id }, transaction);
        return connection.Execute("DELETE FROM roles WHERE id = @id", new { id }, transaction) > 0;
    });

    /// <summary>The user's roles, by name: one indexed query, run on every login.</summary>
    public IReadOnlyList<string> NamesOf(string userId)
    {
        using var connection = database.Open();
        return connection.Query<string>("SELECT r.name FROM user_roles u JOIN roles r ON r.id = u.role_id WHERE u.user_id = @userId ORDER BY r.name", new { userId }).ToArray();
    }

    public (IReadOnlyList<Role> Roles, int Total) OfUser(string userId, int page, int perPage)
    {
        using var connection = database.Open();
        var total = connection.ExecuteScalar<int>("SELECT COUNT(*) FROM user_roles WHERE user_id = @userId", new { userId });
        var roles = connection.Query<Role>("""
            SELECT r.id AS Id, r.name AS Name, r.description AS Description FROM user_roles u JOIN roles r ON r.id = u.role_id
            WHERE u.user_id = @userId ORDER BY r.name, r.id LIMIT @limit OFFSET @offset
            """, new { userId, limit = perPage, offset = page * perPage }).ToArray();
        return (roles, total);
    }

    /// <summary>The users holding a role: (user_id, email, profile JSON), for Auth0's role-members list.</summary>
    public (IReadOnlyList<string> UserIds, int Total) UsersOf(string roleId, int page, int perPage)
    {
        using var connection = database.Open();
        var total = connection.ExecuteScalar<int>("SELECT COUNT(*) FROM user_roles WHERE role_id = @roleId", new { roleId });
        var ids = connection.Query<string>("SELECT user_id FROM user_roles WHERE role_id = @roleId ORDER BY user_id LIMIT @limit OFFSET @offset",
            new { roleId, limit = perPage, offset = page * perPage }).ToArray();
        return (ids, total);
    }

    /// <summary>
    /// Gives <paramref name="userIds"/> the roles <paramref name="roleIds"/> (already held ones stay), in one transaction:
    /// returns the first role id or user id that does not exist, and then assigns nothing.
    /// </summary>
    public string? Assign(IReadOnlyList<string> userIds, IReadOnlyList<string> roleIds) => database.InTransaction<string?>((connection, transaction) =>
    {
        if (Missing(connection, transaction, "roles", "id", roleIds) is { } missingRole) return missingRole;
        if (Missing(connection, transaction, "users", "user_id", userIds) is { } missingUser) return missingUser;
        foreach (var userId in userIds)
        {
            foreach (var roleId in roleIds)
            {
                connection.Execute("INSERT INTO user_roles(user_id, role_id) VALUES (@userId, @roleId) ON CONFLICT DO NOTHING", new { userId, roleId }, transaction);
            }
        }
        return null;
    });

    /// <summary>Takes the roles away from the user; roles the user does not hold are ignored, as Auth0 does.</summary>
    public void Remove(string userId, IReadOnlyList<string> roleIds) => database.InTransaction((connection, transaction) =>
    {
        foreach (var roleId in roleIds)
        {
            connection.Execute("DELETE FROM user_roles WHERE user_id = @userId AND role_id = @roleId", new { userId, roleId }, transaction);
        }
        return 0;
    });

    private static string? Missing(System.Data.IDbConnection connection, System.Data.IDbTransaction transaction, string table, string column, IReadOnlyList<string> ids) =>
        ids.FirstOrDefault(id => connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table} WHERE {column} = @id", new { id }, transaction) == 0);

    private static bool NameTaken(System.Data.IDbConnection connection, System.Data.IDbTransaction transaction, string name, string? exceptId) =>
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM roles WHERE name = @name AND (@exceptId IS NULL OR id <> @exceptId)", new { name, exceptId }, transaction) > 0;
}
