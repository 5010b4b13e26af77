using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Rules.Host.OAuth;

/// <summary>Creates and validates this server's JWTs (RS256, with the key from <see cref="SigningKeys"/>).</summary>
public sealed class JwtFactory(SigningKeys keys, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Signs <paramref name="claims"/> (JSON values: strings, numbers, booleans, objects, arrays) with iat and exp set here.</summary>
    public string Create(string issuer, string audience, JsonObject claims, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        var payload = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in claims)
        {
            if (value is not null)
            {
                payload[name] = ToClaimValue(value);
            }
        }
        payload["iss"] = issuer;
        payload["aud"] = audience;
        payload["iat"] = now.ToUnixTimeSeconds();
        payload["exp"] = now.Add(lifetime).ToUnixTimeSeconds();

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = payload,
            SigningCredentials = keys.Credentials,
        });
    }

    /// <summary>Validates signature (RS256 with our key only: no "none", no other key), issuer, audience and lifetime.</summary>
    public async Task<JsonWebToken?> ValidateAsync(string token, string issuer, string audience)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            IssuerSigningKey = keys.Key,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } exp && exp > clock.GetUtcNow().UtcDateTime.AddSeconds(-30)
                && (notBefore is not { } nbf || nbf <= clock.GetUtcNow().UtcDateTime.AddSeconds(30)),
        });
        return result.IsValid ? result.SecurityToken as JsonWebToken : null;
    }

    /// <summary>
    /// An ID token presented back to us as a hint (RP-initiated logout): our signature and issuer are checked, but not
    /// the audience (it names the client) nor the lifetime (an expired ID token is still a valid hint, OIDC RP-Initiated
    /// Logout §2).
    /// </summary>
    public async Task<JsonWebToken?> ValidateHintAsync(string token, string issuer)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKey = keys.Key,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
        });
        return result.IsValid ? result.SecurityToken as JsonWebToken : null;
    }

    private static object ToClaimValue(JsonNode node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value when value.TryGetValue<bool>(out var b) => b,
        JsonValue value when value.TryGetValue<long>(out var l) => l,
        JsonValue value when value.TryGetValue<double>(out var d) => d == Math.Floor(d) && Math.Abs(d) < 9e15 ? (long)d : d,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => p.Value is null ? null! : ToClaimValue(p.Value)),
        JsonArray array => array.Select(n => n is null ? null! : ToClaimValue(n)).ToList(),
        _ => node.ToJsonString(),
    };
}
