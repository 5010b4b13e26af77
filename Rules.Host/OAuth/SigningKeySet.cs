using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Rules.Host.OAuth;

/// <summary>One row of <c>signing_keys</c>, public parts only once loaded: what the Management API lists.</summary>
public sealed record SigningKeyInfo(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt)
{
    public bool Current => RetiredAt is null;
}

/// <summary>
/// An immutable view of the signing keys at one revision of the store: the key that signs, every key a token may still
/// be signed with, and the JWKS document that publishes them. <see cref="SigningKeys"/> swaps in a new one on refresh,
/// so a request that took a set keeps using it whole.
/// </summary>
public sealed class SigningKeySet
{
    public SigningKeySet(long revision, RsaSecurityKey current, IReadOnlyList<RsaSecurityKey> published, DateTimeOffset? nextExpiry)
    {
        Revision = revision;
        Current = current;
        Credentials = new SigningCredentials(current, SecurityAlgorithms.RsaSha256);
        Published = published;
        NextExpiry = nextExpiry;
        var keys = new JsonArray();
        foreach (var key in published)
        {
            var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
            keys.Add(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = key.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            });
        }
        JwksJson = new JsonObject { ["keys"] = keys }.ToJsonString();
    }

    /// <summary>The <c>signing_keys</c> revision (table <c>revisions</c>) this set was read at.</summary>
    public long Revision { get; }

    /// <summary>The key new tokens are signed with.</summary>
    public RsaSecurityKey Current { get; }

    public SigningCredentials Credentials { get; }

    /// <summary>The current key first, then the retired keys whose tokens may not have expired yet.</summary>
    public IReadOnlyList<RsaSecurityKey> Published { get; }

    /// <summary>When the first retired key in <see cref="Published"/> stops being published; null if none is.</summary>
    public DateTimeOffset? NextExpiry { get; }

    /// <summary>The JSON Web Key Set document (RFC 7517): public parts only.</summary>
    public string JwksJson { get; }

    public bool Publishes(string keyId) => Published.Any(k => k.KeyId == keyId);

    /// <summary>kid as this server has always computed it: base64url of SHA-256 of the modulus, first 16 characters.</summary>
    public static string KeyIdOf(RSA rsa) =>
        Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportParameters(includePrivateParameters: false).Modulus!))[..16];
}
