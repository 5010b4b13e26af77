using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.Errors;
using Rules.Host.Tenant;

namespace Rules.Host.Management;

/// <summary>
/// GET /api/v2/users-by-email?email=: every user with that email, in any connection, as a plain array (empty when
/// there is none), as Auth0 answers it. Account-linking rules and operators' scripts look users up this way.
/// <c>fields</c> and <c>include_fields</c> are accepted and ignored, as <c>/api/v2/users</c> does.
/// </summary>
public static class UsersByEmailEndpoints
{
    public static IEndpointRouteBuilder MapUsersByEmailEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapManagementGroup("/api/v2/users-by-email", "Users").MapGet("", Get).RequireManagementScope("read:users");
        return endpoints;
    }

    public static Results<Ok<JsonArray>, JsonHttpResult<Auth0ErrorBody>> Get(HttpRequest request, TenantStore store)
    {
        if (ManagementQuery.Single(request.Query, "email") is not { } email)
        {
            return Auth0Error.BadRequest("Query validation error: 'Missing required property: email'.", "invalid_query_string").ToTypedResult();
        }
        return TypedResults.Ok(new JsonArray(store.FindUsersByEmail(email).Select(u => (JsonNode)UsersEndpoints.ToResponse(u)).ToArray()));
    }
}
