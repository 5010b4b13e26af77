using System.Text.Json.Nodes;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.Hosting;

namespace Rules.Host.OAuth;

/// <summary>
/// POST /oauth/token: read the body (JSON or form), validate, generate, and write the audit record before
/// the response leaves, so every token handed out, and every failed attempt, is on record.
/// </summary>
public static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, TokenRequestValidator validator, TokenResponseGenerator generator, AuditLog audit, TimeProvider clock)
    {
        NoStore(http);
        var read = await RequestBody.ReadAsync(http.Request);
        if (read.IsError)
        {
            var error = new OAuthError("invalid_request", read.Error.Message, read.Error.StatusCode);
            audit.Write(Failure(http, clock, new TokenRequestValidationResult { Error = error }));
            return error.ToResult();
        }

        var result = validator.Validate(read.Value!, http);
        if (result.IsError)
        {
            audit.Write(Failure(http, clock, result));
            if (result.Error!.StatusCode == 401 && result.UsedBasic)
            {
                // RFC 6749 §5.2: a client that tried HTTP Basic is told which scheme to use.
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"oauth\"";
            }
            return result.Error.ToResult();
        }

        var request = result.Request!;
        var response = generator.Generate(request, http);
        audit.Write(Success(http, clock, request));
        return Results.Json(response);
    }

    private static AuditEntry Success(HttpContext http, TimeProvider clock, ValidatedTokenRequest request)
    {
        if (request.GrantType == GrantTypes.ClientCredentials)
        {
            return AuditEntry.For(http, clock.GetUtcNow(), "seccft", "Client Credentials for Access Token") with
            {
                ClientId = request.Client.ClientId,
                ClientName = request.Client.Name,
                Details = new JsonObject
                {
                    ["grant_type"] = request.GrantType,
                    ["audience"] = request.Audience,
                    ["scope"] = string.Join(' ', request.Scopes),
                },
            };
        }

        var grant = request.Grant!;
        return AuditEntry.For(http, clock.GetUtcNow(), "seacft",
            grant.Impersonator is null ? "Authorization Code for Access Token" : "Authorization Code for Access Token (impersonated session)") with
        {
            ClientId = request.Client.ClientId,
            ClientName = request.Client.Name,
            UserId = grant.UserId,
            UserName = grant.Profile["email"]?.GetValue<string>(),
            ImpersonatorId = grant.Impersonator?.UserId,
            ImpersonatorEmail = grant.Impersonator?.Email,
            Details = new JsonObject
            {
                ["grant_type"] = request.GrantType,
                ["scope"] = string.Join(' ', grant.AccessTokenScopes),
                ["decision_id"] = grant.DecisionId,
            },
        };
    }

    /// <summary>Auth0's codes: feacft for a failed code exchange, feccft for a failed client-credentials exchange (or an unreadable request).</summary>
    private static AuditEntry Failure(HttpContext http, TimeProvider clock, TokenRequestValidationResult result) =>
        AuditEntry.For(http, clock.GetUtcNow(), result.GrantType == GrantTypes.AuthorizationCode ? "feacft" : "feccft", result.Error!.ErrorDescription) with
        {
            ClientId = result.ClientId,
            ClientName = result.Client?.Name,
            UserId = result.Grant?.UserId,
            UserName = result.Grant?.Profile["email"]?.GetValue<string>(),
            ImpersonatorId = result.Grant?.Impersonator?.UserId,
            ImpersonatorEmail = result.Grant?.Impersonator?.Email,
            Details = new JsonObject
            {
                ["grant_type"] = result.GrantType,
                ["error"] = result.Error.Error,
                ["error_description"] = result.Error.ErrorDescription,
                ["status_code"] = result.Error.StatusCode,
                ["code_burned"] = result.Grant is not null,
            },
        };

    /// <summary>RFC 6749 §5.1: responses carrying tokens must not be cached.</summary>
    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
    }
}
