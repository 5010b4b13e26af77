using System.Text.Json.Nodes;
using Rules.Host.Errors;
using Rules.Host.Management;
using Rules.Host.Tenant;

namespace Rules.Host.MultiFactor;

/// <summary>
/// The Management API for a user's second factor, with Auth0's routes: <c>GET /api/v2/users/{id}/enrollments</c>,
/// <c>DELETE /api/v2/users/{id}/authenticators</c> (reset, 204) and <c>POST /api/v2/users/{id}/recovery-code-regeneration</c>.
/// No response carries a TOTP secret; only the regeneration answers with the new recovery codes, once.
/// </summary>
public static class AuthenticatorsEndpoints
{
    public static IEndpointRouteBuilder MapAuthenticatorsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapManagementGroup("/api/v2/users", "Users");
        users.MapGet("/{id}/enrollments", List).RequireManagementScope("read:users");
        users.MapDelete("/{id}/authenticators", Reset).RequireManagementScope("update:users");
        users.MapPost("/{id}/recovery-code-regeneration", Regenerate).RequireManagementScope("update:users");
        return endpoints;
    }

    public static IResult List(string id, TenantStore store, FactorAdministration factors) =>
        store.GetUser(id) is null ? UserNotFound().ToResult() : Results.Json(factors.Enrollments(id));

    public static IResult Reset(string id, HttpContext http, TenantStore store, FactorAdministration factors)
    {
        if (store.GetUser(id) is null)
        {
            return UserNotFound().ToResult();
        }
        factors.Reset(id, CallerOf(http), http);
        return Results.NoContent();
    }

    public static IResult Regenerate(string id, HttpContext http, TenantStore store, FactorAdministration factors)
    {
        if (store.GetUser(id) is null)
        {
            return UserNotFound().ToResult();
        }
        if (factors.RegenerateRecoveryCodes(id, CallerOf(http), http) is not { } codes)
        {
            return Auth0Error.BadRequest("The user has no confirmed multi-factor enrollment.", "no_enrollment").ToResult();
        }
        http.Response.Headers.CacheControl = "no-store";
        // Auth0 answers one recovery_code; this server makes several, each single use.
        return Results.Json(new JsonObject { ["recovery_code"] = codes[0], ["recovery_codes"] = new JsonArray(codes.Select(c => (JsonNode?)c).ToArray()) });
    }

    private static string? CallerOf(HttpContext http) =>
        http.Caller() is { } caller && caller.TryGetPayloadValue<string>("sub", out var sub) ? sub : null;

    private static Auth0Error UserNotFound() => Auth0Error.NotFound("The user does not exist.", "inexistent_user");
}
