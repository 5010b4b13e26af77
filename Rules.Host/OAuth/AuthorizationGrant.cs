using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Storage;

namespace Rules.Host.OAuth;

/// <summary>Who signed in as the user, as every token and audit record names them.</summary>
public sealed record Impersonator(string UserId, string? Email)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["user_id"] = UserId };
        if (Email is not null)
        {
            json["email"] = Email;
        }
        return json;
    }
}

/// <summary>
/// Everything a completed login hands to the token issuer: stored behind an authorization code until the
/// client redeems it, or used at once for response_type=token. It holds a snapshot of the profile claims
/// taken at login, the rules' custom claims and the impersonator, so the tokens say what the rules decided.
/// </summary>
public sealed record AuthorizationGrant
{
    public required string UserId { get; init; }
    public required string ClientId { get; init; }
    public required string RedirectUri { get; init; }

    /// <summary>The scopes the login asked for; they decide the ID token's profile claims.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The access token's scopes: the rules' <c>context.accessToken.scope</c> when set, else <see cref="Scopes"/>.</summary>
    public required IReadOnlyList<string> AccessTokenScopes { get; init; }

    public required DateTimeOffset AuthTime { get; init; }

    /// <summary>Standard profile claims at login time (email, name, ...), filtered by scope when tokens are issued.</summary>
    public required JsonObject Profile { get; init; }

    public JsonObject IdTokenClaims { get; init; } = [];
    public JsonObject AccessTokenClaims { get; init; } = [];
    public Impersonator? Impersonator { get; init; }
    public string? Nonce { get; init; }
    public string? DecisionId { get; init; }

    /// <summary>PKCE (RFC 7636): the S256 challenge the login started with; the code exchange must present its verifier.</summary>
    public string? CodeChallenge { get; init; }

    /// <summary>The single sign-on session the login belongs to; the ID token carries it as <c>sid</c>.</summary>
    public string? SessionId { get; init; }

    /// <summary>
    /// The grant of an allowed login: the rules' claims, and the access token's scopes from the rules'
    /// <c>context.accessToken.scope</c> when they set it, else the scopes asked for.
    /// </summary>
    public static AuthorizationGrant FromOutcome(
        Outcome outcome, string userId, string clientId, string redirectUri, IReadOnlyList<string> scopes,
        JsonObject profile, DateTimeOffset authTime, string decisionId)
    {
        var accessClaims = (JsonObject)outcome.AccessToken.DeepClone();
        var accessScopes = accessClaims["scope"] is JsonArray ruleScopes
            ? ruleScopes.Select(s => s?.GetValue<string>()).OfType<string>().ToArray()
            : scopes;
        accessClaims.Remove("scope");
        return new AuthorizationGrant
        {
            UserId = userId,
            ClientId = clientId,
            RedirectUri = redirectUri,
            Scopes = scopes,
            AccessTokenScopes = accessScopes,
            AuthTime = authTime,
            Profile = ProfileClaims.Snapshot(profile),
            IdTokenClaims = (JsonObject)outcome.IdToken.DeepClone(),
            AccessTokenClaims = accessClaims,
            DecisionId = decisionId,
        };
    }

    public JsonObject ToJson() => new()
    {
        ["user_id"] = UserId,
        ["client_id"] = ClientId,
        ["redirect_uri"] = RedirectUri,
        ["scopes"] = new JsonArray(Scopes.Select(s => (JsonNode?)s).ToArray()),
        ["access_token_scopes"] = new JsonArray(AccessTokenScopes.Select(s => (JsonNode?)s).ToArray()),
        ["auth_time"] = AuthTime.ToUnixTimeSeconds(),
        ["profile"] = Profile.DeepClone(),
        ["id_token_claims"] = IdTokenClaims.DeepClone(),
        ["access_token_claims"] = AccessTokenClaims.DeepClone(),
        ["impersonator"] = Impersonator?.ToJson(),
        ["nonce"] = Nonce,
        ["decision_id"] = DecisionId,
        ["code_challenge"] = CodeChallenge,
        ["session_id"] = SessionId,
    };

    public static AuthorizationGrant FromJson(string json)
    {
        var obj = JsonColumns.ReadObject(json);
        return new AuthorizationGrant
        {
            UserId = obj["user_id"]!.GetValue<string>(),
            ClientId = obj["client_id"]!.GetValue<string>(),
            RedirectUri = obj["redirect_uri"]!.GetValue<string>(),
            Scopes = Strings(obj["scopes"]),
            AccessTokenScopes = Strings(obj["access_token_scopes"]),
            AuthTime = DateTimeOffset.FromUnixTimeSeconds(obj["auth_time"]!.GetValue<long>()),
            Profile = obj["profile"] as JsonObject is { } profile ? (JsonObject)profile.DeepClone() : [],
            IdTokenClaims = obj["id_token_claims"] as JsonObject is { } id ? (JsonObject)id.DeepClone() : [],
            AccessTokenClaims = obj["access_token_claims"] as JsonObject is { } access ? (JsonObject)access.DeepClone() : [],
            Impersonator = obj["impersonator"] is JsonObject impersonator
                ? new Impersonator(impersonator["user_id"]!.GetValue<string>(), impersonator["email"]?.GetValue<string>())
                : null,
            Nonce = obj["nonce"]?.GetValue<string>(),
            DecisionId = obj["decision_id"]?.GetValue<string>(),
            CodeChallenge = obj["code_challenge"]?.GetValue<string>(),
            SessionId = obj["session_id"]?.GetValue<string>(),
        };
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n?.GetValue<string>()).OfType<string>().ToArray() : [];
}
