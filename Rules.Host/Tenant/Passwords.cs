using Microsoft.AspNetCore.Identity;

namespace Rules.Host.Tenant;

/// <summary>
/// Password hashes, with ASP.NET Core Identity's PasswordHasher (PBKDF2-HMAC-SHA512, salted, versioned format), the
/// one place that hashes and verifies them. The user id is the hasher's "user" argument, as Identity passes it.
/// </summary>
public static class Passwords
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Verifying against this when the email is unknown makes an unknown user cost as much as a wrong password.
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword("decoy", Secrets()));

    public static string Hash(string userId, string password) => Hasher.HashPassword(userId, password);

    public static PasswordVerificationResult Verify(string userId, string hash, string password) =>
        Hasher.VerifyHashedPassword(userId, hash, password);

    /// <summary>Spends a verification's time without a user, so response time does not reveal which emails exist.</summary>
    public static void VerifyDecoy(string password) => Hasher.VerifyHashedPassword("decoy", DecoyHash.Value, password);

    private static string Secrets() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
}
