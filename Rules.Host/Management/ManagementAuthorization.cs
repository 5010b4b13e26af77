using Microsoft.IdentityModel.JsonWebTokens;
using Rules.Host.Errors;
using Rules.Host.OAuth;

namespace Rules.Host.Management;

/// <summary>
/// Guards Management API endpoints as Auth0 does: a Bearer JWT issued by this server for the Management
/// API audience, with one of the endpoint's scopes. 401 without a valid token (saying why: missing, expired, another
/// API's, invalid), 403 with the wrong scope, both in Auth0's error JSON with RFC 6750's WWW-Authenticate challenge.
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
                return BearerChallenge.Missing(http, "Missing authentication");
            }

            var urls = http.RequestServices.GetRequiredService<IssuerUrls>();
            var validation = await http.RequestServices.GetRequiredService<JwtFactory>()
                .ValidateBearerAsync(header[7..].Trim(), urls.Issuer(http), urls.ManagementAudience(http));
            if (validation.Token is not { } jwt)
            {
                return BearerChallenge.InvalidToken(http, validation.Failure!);
            }

            var granted = jwt.TryGetPayloadValue<string>("scope", out var scope) ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
            if (!scopes.Any(granted.Contains))
            {
                return BearerChallenge.InsufficientScope(http, $"Insufficient scope, expected any of: {string.Join(",", scopes)}", scopes);
            }

            http.Items[CallerItem] = jwt;
            return await next(context);
        });

    /// <summary>The validated token of the caller, set by the filter.</summary>
    public static JsonWebToken? Caller(this HttpContext context) => context.Items[CallerItem] as JsonWebToken;
}
