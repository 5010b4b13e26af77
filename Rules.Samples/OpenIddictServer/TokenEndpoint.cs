using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Rules.Engine.Pipeline;
using Rules.Engine.Serving;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Rules.Samples.OpenIddictServer;

/// <summary>
/// The token endpoint's sign-in: OpenIddict has validated the request; this checks the password, runs the rules, and
/// either refuses the sign-in with the rule's message or hands OpenIddict a principal carrying the rules' claims.
/// </summary>
public static class TokenEndpoint
{
    /// <summary>Handles <c>POST /connect/token</c> (password grant).</summary>
    public static async Task<IResult> HandleAsync(HttpContext http, SampleUsers users, RulePipelineProvider rules)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (!request.IsPasswordGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "Only the password grant is supported.");
        }
        var user = users.SignIn(request.Username, request.Password);
        if (user is null)
        {
            return Refuse(Errors.InvalidGrant, "Wrong email or password.");
        }

        var transaction = new LoginTransaction(user, new JsonObject
        {
            ["clientID"] = request.ClientId,
            ["clientName"] = "Sample app",
            ["connection"] = "Username-Password-Authentication",
            ["connectionStrategy"] = "auth0",
            ["protocol"] = "oauth2-password",
            ["request"] = new JsonObject
            {
                ["ip"] = http.Connection.RemoteIpAddress?.ToString(),
                ["userAgent"] = http.Request.Headers.UserAgent.ToString(),
                ["hostname"] = http.Request.Host.Host,
            },
        });
        // An aborted request cancels the rules too; a cancelled login is a denial.
        var outcome = await rules.ExecuteAsync(transaction, cancellationToken: http.RequestAborted);
        if (outcome.Decision != Decision.Allow)
        {
            // The description is what the rule chose to tell the app (Auth0 shows it the same way); failures say only
            // "The login could not be completed", never the script's error.
            return Refuse(Errors.AccessDenied, outcome.ErrorDescription ?? "The login could not be completed.");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, (string)outcome.User["user_id"]!)
            .SetClaim(Claims.Email, (string?)outcome.User["email"])
            .SetClaim(Claims.Name, (string?)outcome.User["name"]);
        foreach (var claim in identity.Claims)
        {
            claim.SetDestinations(Destinations.AccessToken, Destinations.IdentityToken);
        }
        AddRuleClaims(identity, outcome.IdToken, outcome.AccessToken);
        identity.SetScopes(request.GetScopes());
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The claims rules put on <c>context.idToken</c> and <c>context.accessToken</c> (the engine has already refused
    /// reserved ones), each going only to the token the rule named. Arrays and objects keep their JSON shape.
    /// </summary>
    private static void AddRuleClaims(ClaimsIdentity identity, JsonObject idToken, JsonObject accessToken)
    {
        foreach (var name in idToken.Select(c => c.Key).Union(accessToken.Select(c => c.Key)).Where(n => n != "scope"))
        {
            var forId = idToken[name];
            var forAccess = accessToken[name];
            if (forId is not null && forAccess is not null && JsonNode.DeepEquals(forId, forAccess))
            {
                identity.AddClaim(ToClaim(name, forId).SetDestinations(Destinations.IdentityToken, Destinations.AccessToken));
                continue;
            }
            if (forId is not null)
            {
                identity.AddClaim(ToClaim(name, forId).SetDestinations(Destinations.IdentityToken));
            }
            if (forAccess is not null)
            {
                identity.AddClaim(ToClaim(name, forAccess).SetDestinations(Destinations.AccessToken));
            }
        }
    }

    private static Claim ToClaim(string name, JsonNode value) =>
        value is JsonValue text && text.GetValueKind() == JsonValueKind.String
            ? new Claim(name, text.GetValue<string>())
            : new Claim(name, value.ToJsonString(), value is JsonArray ? JsonClaimValueTypes.JsonArray : JsonClaimValueTypes.Json);

    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
