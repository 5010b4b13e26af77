using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.Errors;
using Rules.Host.Tenant;

namespace Rules.Host.Management;

/// <summary>
/// /api/v2/users/{id}/roles in Auth0's shapes: list a user's roles, assign roles (POST) and remove them (DELETE),
/// each with <c>{ "roles": [role_id, ...] }</c>; both answer 204. The next login's <c>context.authorization.roles</c>
/// carries the change.
/// </summary>
public static class UserRolesEndpoints
{
    public static IEndpointRouteBuilder MapUserRolesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var roles = endpoints.MapManagementGroup("/api/v2/users/{id}/roles", "Users");
        roles.MapGet("", List).RequireManagementScope("read:users").RequireManagementScope("read:roles");
        roles.MapPost("", Assign).RequireManagementScope("create:role_members");
        roles.MapDelete("", Remove).RequireManagementScope("delete:role_members");
        return endpoints;
    }

    public static Results<Ok<JsonNode>, JsonHttpResult<Auth0ErrorBody>> List(string id, HttpRequest request, RoleStore roles, TenantStore users)
    {
        var paging = ManagementQuery.ReadPaging(request.Query);
        if (paging.IsError)
        {
            return paging.Error!.ToTypedResult();
        }
        if (users.GetUser(id) is null)
        {
            return UserNotFound().ToTypedResult();
        }
        var (page, perPage, includeTotals, _) = paging.Value!;
        var (held, total) = roles.OfUser(id, page, perPage);
        return TypedResults.Ok(RolesEndpoints.Page("roles", held.Select(RolesEndpoints.ToResponse), page, perPage, total, includeTotals));
    }

    public static async Task<Results<NoContent, JsonHttpResult<Auth0ErrorBody>>> Assign(string id, HttpRequest request, RoleStore roles)
    {
        var validated = await RulesEndpoints.ReadAsync(request, body => RolesEndpoints.ReadIds(body, "roles"));
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }
        return roles.Assign([id], validated.Value!) switch
        {
            null => TypedResults.NoContent(),
            var missing when missing == id => UserNotFound().ToTypedResult(),
            var missing => Auth0Error.NotFound($"The role {missing} does not exist.", "inexistent_role").ToTypedResult(),
        };
    }

    public static async Task<Results<NoContent, JsonHttpResult<Auth0ErrorBody>>> Remove(string id, HttpRequest request, RoleStore roles, TenantStore users)
    {
        var validated = await RulesEndpoints.ReadAsync(request, body => RolesEndpoints.ReadIds(body, "roles"));
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }
        if (users.GetUser(id) is null)
        {
            return UserNotFound().ToTypedResult();
        }
        roles.Remove(id, validated.Value!);
        return TypedResults.NoContent();
    }

    private static Auth0Error UserNotFound() => Auth0Error.NotFound("The user does not exist.", "inexistent_user");
}
