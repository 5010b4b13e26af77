using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.Errors;
using Rules.Host.Tenant;

namespace Rules.Host.Management;

/// <summary>
/// /api/v2/roles in Auth0's shapes: list (name_filter, paging, include_totals), create, get, update, delete, and a
/// role's users (list, assign). A role's name is unique; deleting a role takes it from every user.
/// </summary>
public static class RolesEndpoints
{
    public static IEndpointRouteBuilder MapRolesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var roles = endpoints.MapManagementGroup("/api/v2/roles", "Roles");
        roles.MapGet("", List).RequireManagementScope("read:roles");
        roles.MapPost("", Create).RequireManagementScope("create:roles");
        roles.MapGet("/{id}", Get).RequireManagementScope("read:roles");
        roles.MapPatch("/{id}", Update).RequireManagementScope("update:roles");
        roles.MapDelete("/{id}", Delete).RequireManagementScope("delete:roles");
        roles.MapGet("/{id}/users", Users).RequireManagementScope("read:users").RequireManagementScope("read:roles");
        roles.MapPost("/{id}/users", AssignUsers).RequireManagementScope("create:role_members");
        return endpoints;
    }

    /// <summary>GET /api/v2/roles?name_filter=&amp;page=&amp;per_page=&amp;include_totals=</summary>
    public static Results<Ok<JsonNode>, JsonHttpResult<Auth0ErrorBody>> List(HttpRequest request, RoleStore store)
    {
        var paging = ManagementQuery.ReadPaging(request.Query);
        if (paging.IsError)
        {
            return paging.Error!.ToTypedResult();
        }
        var (page, perPage, includeTotals, _) = paging.Value!;
        var (roles, total) = store.List(ManagementQuery.Single(request.Query, "name_filter"), page, perPage);
        return TypedResults.Ok(Page("roles", roles.Select(ToResponse), page, perPage, total, includeTotals));
    }

    public static Results<Ok<JsonObject>, JsonHttpResult<Auth0ErrorBody>> Get(string id, RoleStore store) =>
        store.Get(id) is { } role ? TypedResults.Ok(ToResponse(role)) : RoleNotFound().ToTypedResult();

    /// <summary>POST /api/v2/roles { name, description? }: 200 with the new role, as Auth0 answers.</summary>
    public static async Task<Results<Ok<JsonObject>, JsonHttpResult<Auth0ErrorBody>>> Create(HttpRequest request, RoleStore store)
    {
        var validated = await RulesEndpoints.ReadAsync(request, body => ReadRole(body, nameRequired: true));
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }
        var (name, description) = validated.Value!;
        var (status, role) = store.Create(name!, description);
        return status == RoleWriteStatus.Done ? TypedResults.Ok(ToResponse(role!)) : NameTaken(name!).ToTypedResult();
    }

    public static async Task<Results<Ok<JsonObject>, JsonHttpResult<Auth0ErrorBody>>> Update(string id, HttpRequest request, RoleStore store)
    {
        var validated = await RulesEndpoints.ReadAsync(request, body => ReadRole(body, nameRequired: false));
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }
        var (name, description) = validated.Value!;
        var (status, role) = store.Update(id, name, description);
        return status switch
        {
            RoleWriteStatus.Done => TypedResults.Ok(ToResponse(role!)),
            RoleWriteStatus.NotFound => RoleNotFound().ToTypedResult(),
            _ => NameTaken(name!).ToTypedResult(),
        };
    }

    public static Results<Ok, JsonHttpResult<Auth0ErrorBody>> Delete(string id, RoleStore store) =>
        store.Delete(id) ? TypedResults.Ok() : RoleNotFound().ToTypedResult();

    /// <summary>GET /api/v2/roles/{id}/users: <c>{ user_id, email, picture, name }</c> of each member.</summary>
    public static Results<Ok<JsonNode>, JsonHttpResult<Auth0ErrorBody>> Users(string id, HttpRequest request, RoleStore roles, TenantStore users)
    {
        var paging = ManagementQuery.ReadPaging(request.Query);
        if (paging.IsError)
        {
            return paging.Error!.ToTypedResult();
        }
        if (roles.Get(id) is null)
        {
            return RoleNotFound().ToTypedResult();
        }
        var (page, perPage, includeTotals, _) = paging.Value!;
        var (ids, total) = roles.UsersOf(id, page, perPage);
        var members = ids.Select(users.GetUser).OfType<TenantUser>().Select(user => new JsonObject
        {
            ["user_id"] = user.UserId,
            ["email"] = user.Email,
            ["picture"] = user.Profile["picture"]?.DeepClone(),
            ["name"] = user.Profile["name"]?.DeepClone(),
        });
        return TypedResults.Ok(Page("users", members, page, perPage, total, includeTotals));
    }

    /// <summary>POST /api/v2/roles/{id}/users { users: [user_id, ...] }.</summary>
    public static async Task<Results<Ok, JsonHttpResult<Auth0ErrorBody>>> AssignUsers(string id, HttpRequest request, RoleStore store)
    {
        var validated = await RulesEndpoints.ReadAsync(request, body => ReadIds(body, "users"));
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }
        if (store.Get(id) is null)
        {
            return RoleNotFound().ToTypedResult();
        }
        return store.Assign(validated.Value!, [id]) is { } missing
            ? Auth0Error.NotFound($"The user {missing} does not exist.", "inexistent_user").ToTypedResult()
            : TypedResults.Ok();
    }

    public static JsonObject ToResponse(Role role)
    {
        var response = new JsonObject { ["id"] = role.Id, ["name"] = role.Name };
        if (role.Description is not null) response["description"] = role.Description;
        return response;
    }

    /// <summary>Auth0's list answer: the bare array, or with include_totals <c>{ [name]: [...], start, limit, total }</c>.</summary>
    internal static JsonNode Page(string name, IEnumerable<JsonObject> items, int page, int perPage, int total, bool includeTotals)
    {
        var list = new JsonArray(items.Select(i => (JsonNode)i).ToArray());
        return includeTotals ? new JsonObject { [name] = list, ["start"] = page * perPage, ["limit"] = perPage, ["total"] = total } : list;
    }

    /// <summary>A non-empty array of non-empty strings in <paramref name="field"/> (Auth0: "Minimum array length: 1").</summary>
    internal static Validated<IReadOnlyList<string>> ReadIds(JsonObject body, string field)
    {
        var unknown = body.Select(p => p.Key).Where(k => k != field).ToArray();
        if (unknown.Length > 0)
        {
            return Auth0Error.BadRequest($"Payload validation error: 'Additional properties not allowed: {string.Join(",", unknown)}'.");
        }
        if (!body.TryGetPropertyValue(field, out var node))
        {
            return Auth0Error.BadRequest($"Payload validation error: 'Missing required property: {field}'.");
        }
        if (node is not JsonArray array)
        {
            return Auth0Error.BadRequest($"Payload validation error: 'Expected type array but found type {PayloadReader.TypeName(node)}' on property {field}.");
        }
        if (array.Count == 0)
        {
            return Auth0Error.BadRequest($"Payload validation error: 'Array is too short (0), minimum 1' on property {field}.");
        }
        var ids = new List<string>();
        foreach (var item in array)
        {
            if (item is not JsonValue value || !value.TryGetValue<string>(out var id) || id.Length == 0)
            {
                return Auth0Error.BadRequest($"Payload validation error: 'Expected type string but found type {PayloadReader.TypeName(item)}' on property {field}.");
            }
            ids.Add(id);
        }
        return ids.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static Validated<(string? Name, string? Description)> ReadRole(JsonObject body, bool nameRequired)
    {
        var reader = new PayloadReader(body).AllowOnly("name", "description");
        if (!nameRequired) reader.RequireAny();
        var name = reader.String("name", required: nameRequired, maxLength: 50);
        var description = reader.String("description", maxLength: 140);
        return reader.Error is { } error ? error : (name, description);
    }

    private static Auth0Error RoleNotFound() => Auth0Error.NotFound("The role does not exist.", "inexistent_role");

    private static Auth0Error NameTaken(string name) => Auth0Error.Conflict($"A role with the name '{name}' already exists.", "role_exists");
}
