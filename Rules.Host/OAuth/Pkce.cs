using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;

namespace Rules.Host.OAuth;

/// <summary>
/// Proof Key for Code Exchange (RFC 7636), S256 only: the code exchange must present the verifier whose
/// BASE64URL(SHA-256) is the challenge the login started with, so a stolen code is useless without it.
/// </summary>
public static partial class Pkce
{
    public static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>Null when the exchange may proceed; otherwise why not.</summary>
    public static string? Check(string? challenge, string? verifier)
    {
        if (challenge is null)
        {
            return verifier is null ? null : "code_verifier was sent, but the authorization request had no code_challenge";
        }
        if (verifier is null)
        {
            return "Missing required parameter: code_verifier (the authorization request used PKCE)";
        }
        if (!VerifierFormat().IsMatch(verifier))
        {
            return "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_', '~'";
        }
        return Secrets.FixedTimeEquals(Challenge(verifier), challenge) ? null : "code_verifier does not match the code_challenge";
    }

    [GeneratedRegex("^[A-Za-z0-9._~-]{43,128}$")]
    private static partial Regex VerifierFormat();
}
