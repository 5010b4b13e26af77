using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Rules.Host.OAuth;

/// <summary>
/// One-time secrets (impersonation links, authorization codes) and client-secret checks. A secret is
/// 32 random bytes, base64url; only its SHA-256 is stored, so a copy of the database redeems nothing.
/// </summary>
public static class Secrets
{
    public static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The secret a browser holds in <paramref name="cookieName"/> (an SSO session, a suspended login's binding, a
    /// second-factor challenge), or null when there is none or it is longer than any secret this server makes.
    /// </summary>
    public static string? FromCookie(HttpContext http, string cookieName) =>
        http.Request.Cookies[cookieName] is { Length: > 0 and <= 100 } secret ? secret : null;

    /// <summary>Lower-case hex SHA-256 of the secret's UTF-8 bytes: the value stored and looked up.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>
    /// Compares a presented client secret with the stored one in constant time: both are hashed first, so the
    /// comparison runs over equal-length inputs and its duration says nothing about length or prefix.
    /// </summary>
    public static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
