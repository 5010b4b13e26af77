using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Rules.Host.OAuth;

/// <summary>
/// Creates this server's JWTs (RS256, signed with the current key of <see cref="SigningKeys"/>) and validates them against
/// every key it publishes, so a token signed before a rotation stays valid until it expires.
/// </summary>
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

    /// <summary>Validates signature (RS256 with a key we publish only: no "none", no other key), issuer, audience and lifetime.</summary>
    public async Task<JsonWebToken?> ValidateAsync(string token, string issuer, string audience) =>
        (await ValidateBearerAsync(token, issuer, audience)).Token;

    /// <summary>
    /// As <see cref="ValidateAsync"/>, and on failure why, in Auth0's words: a token that is ours in every way but its
    /// lifetime "expired" (checked by validating it again without the lifetime, so "expired" is never said of a forged
    /// token), one for another API a "bad audience", anything else "Invalid token".
    /// </summary>
    public async Task<BearerValidation> ValidateBearerAsync(string token, string issuer, string audience)
    {
        // A custom LifetimeValidator runs even when ValidateLifetime is false, so leaving the lifetime out removes it.
        TokenValidationParameters Parameters(SigningKeySet set, bool lifetime = true, bool checkAudience = true) => new()
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            ValidateAudience = checkAudience,
            ValidateLifetime = lifetime,
            IssuerSigningKeys = set.Published,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = lifetime ? (notBefore, expires, _, _) =>
                expires is { } exp && exp > clock.GetUtcNow().UtcDateTime.AddSeconds(-30)
                && (notBefore is not { } nbf || nbf <= clock.GetUtcNow().UtcDateTime.AddSeconds(30)) : null,
        };
        if (await ValidateWithRefreshAsync(token, set => Parameters(set)) is { } valid)
        {
            return new BearerValidation(valid, null);
        }
        if (await ValidateWithRefreshAsync(token, set => Parameters(set, lifetime: false)) is { } outOfTime)
        {
            return new BearerValidation(null, outOfTime.ValidTo < clock.GetUtcNow().UtcDateTime
                ? "Expired token received for JSON Web Token validation"
                : "The token is not valid yet (nbf is in the future)");
        }
        if (await ValidateWithRefreshAsync(token, set => Parameters(set, checkAudience: false)) is not null)
        {
            return new BearerValidation(null, $"Bad audience: the token is not for {audience}");
        }
        return new BearerValidation(null, "Invalid token");
    }

    /// <summary>
    /// An ID token presented back to us as a hint (RP-initiated logout): our signature and issuer are checked, but not
    /// the audience (it names the client) nor the lifetime (an expired ID token is still a valid hint, OIDC RP-Initiated
    /// Logout §2).
    /// </summary>
    public Task<JsonWebToken?> ValidateHintAsync(string token, string issuer) => ValidateWithRefreshAsync(token, set => new TokenValidationParameters
    {
        ValidIssuer = issuer,
        ValidateAudience = false,
        ValidateLifetime = false,
        IssuerSigningKeys = set.Published,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
    });

    /// <summary>
    /// Validates with the published keys; a token whose kid we do not publish may come from a key another instance has
    /// just made current, so the keys are re-read (at most once a second) and the token tried once more.
    /// </summary>
    private async Task<JsonWebToken?> ValidateWithRefreshAsync(string token, Func<SigningKeySet, TokenValidationParameters> parameters)
    {
        var set = keys.Current;
        var result = await _handler.ValidateTokenAsync(token, parameters(set));
        if (!result.IsValid && KeyIdOf(token) is { } keyId && !set.Publishes(keyId) && keys.RefreshForUnknownKey(keyId))
        {
            result = await _handler.ValidateTokenAsync(token, parameters(keys.Current));
        }
        return result.IsValid ? result.SecurityToken as JsonWebToken : null;
    }

    private string? KeyIdOf(string token)
    {
        if (!_handler.CanReadToken(token))
        {
            return null;
        }
        try
        {
            return _handler.ReadJsonWebToken(token).Kid is { Length: > 0 } kid ? kid : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
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

/// <summary>A validated bearer token, or why it was refused (said to the caller: it names no key or secret).</summary>
public sealed record BearerValidation(JsonWebToken? Token, string? Failure);
