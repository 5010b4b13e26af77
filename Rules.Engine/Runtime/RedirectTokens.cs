using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Rules.Engine.Runtime;

/// <summary>
/// <c>api.redirect.encodeToken</c> / <c>validateToken</c>: HS256 JWTs a rule shares with the site it redirects to, as
/// Auth0 makes them. The secret must be at least 32 bytes (HS256's key size); signatures are checked by
/// Microsoft.IdentityModel in constant time.
/// </summary>
internal static class RedirectTokens
{
    public const int MinimumSecretBytes = 32;

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string? CheckSecret(string secret) =>
        Encoding.UTF8.GetByteCount(secret) < MinimumSecretBytes ? $"secret must be at least {MinimumSecretBytes} bytes (HS256 needs a 256-bit key)" : null;

    public static string Encode(string secret, JsonObject claims) =>
        Handler.CreateToken(claims.ToJsonString(), new SigningCredentials(Key(secret), SecurityAlgorithms.HmacSha256));

    /// <summary>The token's claims when it is signed with <paramref name="secret"/>, not expired at <paramref name="now"/>, and carries <paramref name="state"/>; else why not.</summary>
    public static (JsonObject? Claims, string? Error) Validate(string secret, string token, DateTimeOffset now, string? state)
    {
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = Key(secret),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } end && now.UtcDateTime < end && (notBefore is not { } start || now.UtcDateTime >= start),
        };
        // The handler does no I/O for a symmetric key, so the task has already finished.
        var result = Handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult();
        if (!result.IsValid)
        {
            return (null, result.Exception switch
            {
                SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNoExpirationException => "the token has expired or has no expiry",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not match the secret",
                SecurityTokenInvalidAlgorithmException => "the token is not signed with HS256",
                _ => "the token is malformed",
            });
        }

        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(((JsonWebToken)result.SecurityToken).EncodedPayload)) as JsonObject;
        if (payload is null)
        {
            return (null, "the token is malformed");
        }
        if (state is null || payload["state"] is not JsonValue claim || !claim.TryGetValue<string>(out var tokenState) || tokenState != state)
        {
            return (null, "the state in the token does not match the /continue state");
        }
        return (payload, null);
    }

    private static SymmetricSecurityKey Key(string secret) => new(Encoding.UTF8.GetBytes(secret));
}
