using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.OAuth;

namespace Rules.Host.Management;

public sealed record SigningKeyResponse(
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("current")] bool Current,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("retired_at")] DateTimeOffset? RetiredAt)
{
    public static SigningKeyResponse From(SigningKeyInfo key) => new(key.KeyId, key.Current, key.CreatedAt, key.RetiredAt);
}

public sealed record RotatedSigningKey([property: JsonPropertyName("kid")] string Kid);

/// <summary>
/// /api/v2/keys/signing: the token signing keys, as in Auth0 (https://auth0.com/docs/api/management/v2/keys). The list
/// gives ids and dates only, never key material. A rotation makes a new key current at once; the old one stays in the
/// JWKS, and tokens it signed stay valid, until the longest token lifetime has passed.
/// </summary>
public static class SigningKeysEndpoints
{
    public static IEndpointRouteBuilder MapSigningKeysEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var keys = endpoints.MapManagementGroup("/api/v2/keys/signing", "Keys");
        keys.MapGet("", List).RequireManagementScope("read:signing_keys");
        // Auth0 asks for both scopes; each filter requires one of its list, so two filters require both.
        keys.MapPost("/rotate", Rotate).RequireManagementScope("create:signing_keys").RequireManagementScope("update:signing_keys");
        return endpoints;
    }

    public static Ok<SigningKeyResponse[]> List(SigningKeys keys) =>
        TypedResults.Ok(keys.List().Select(SigningKeyResponse.From).ToArray());

    /// <summary>Answers 201 with the new key's id, as Auth0 does (Auth0 also returns its certificate; we have none).</summary>
    public static Created<RotatedSigningKey> Rotate(SigningKeys keys, HttpContext http) =>
        TypedResults.Created((string?)null, new RotatedSigningKey(keys.Rotate(Audit.ChangeActor.FromRequest(http)).KeyId));
}
