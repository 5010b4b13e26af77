using Microsoft.IdentityModel.JsonWebTokens;
using Rules.Host.Errors;
using Rules.Host.OAuth;

namespace Rules.Host.Management;

/// <summary>
/// Guards Management API endpoints as Auth0 does: a Bearer JWT issued by this server for the Management
/// API audience, with one of the endpoint's scopes. 401 without a valid token, 403 with the wrong scope,
/// both in Auth0's error JSON.
/// </summary>
public static class ManagementAuthorization
{
    public const string CallerItem = "management.caller";

    public static TBuilder RequireManagementScope<TBuilder>(this TBuilder builder, params string[] scopes) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            {
                return Auth0Error.Unauthorized("Missing authentication", "missing_authentication").ToResult();
            }

            var urls = http.RequestServices.GetRequiredService<IssuerUrls>();
            var jwt = await http.RequestServices.GetRequiredService<JwtFactory>()
                .ValidateAsync(header[7..].Trim(), urls.Issuer(http), urls.ManagementAudience(http));
            if (jwt is null)
            {
                return Auth0Error.Unauthorized("Invalid token", "invalid_token").ToResult();
            }

            var granted = jwt.TryGetPayloadValue<string>("scope", out var scope) ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
            if (!scopes.Any(granted.Contains))
            {
                return Auth0Error.Forbidden($"Insufficient scope, expected any of: {string.Join(",", scopes)}").ToResult();
            }

            http.Items[CallerItem] = jwt;
            return await next(context);
        });

    /// <summary>The validated token of the caller, set by the filter.</summary>
    public static JsonWebToken? Caller(this HttpContext context) => context.Items[CallerItem] as JsonWebToken;
}
