using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Rules.Samples.OpenIddictServer;

/// <summary>
/// The sample's user directory: in memory, passwords kept as SHA-256 and compared in constant time. A real server has
/// its own user store (ASP.NET Core Identity, a database) and a proper password hash; the rules only see the profile.
/// </summary>
public sealed class SampleUsers
{
    private sealed record User(string Id, string Email, string Name, byte[] PasswordHash, JsonObject AppMetadata);

    private readonly User[] _users =
    [
        new("auth0|alice", "alice@example.com", "Alice", Hash("correct horse battery staple"), new JsonObject { ["roles"] = new JsonArray("admin", "support") }),
        new("auth0|mallory", "mallory@example.com", "Mallory", Hash("hunter2 hunter2"), new JsonObject { ["suspended"] = true, ["roles"] = new JsonArray("user") }),
    ];

    /// <summary>The user's profile in Auth0's shape when the password matches, or null.</summary>
    public JsonObject? SignIn(string? email, string? password)
    {
        var offered = Hash(password ?? "");
        JsonObject? profile = null;
        foreach (var user in _users)
        {
            // Every user's hash is compared, so the time taken does not say which emails exist.
            var matches = CryptographicOperations.FixedTimeEquals(user.PasswordHash, offered);
            if (matches && string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase))
            {
                profile = new JsonObject
                {
                    ["user_id"] = user.Id,
                    ["email"] = user.Email,
                    ["email_verified"] = true,
                    ["name"] = user.Name,
                    ["app_metadata"] = user.AppMetadata.DeepClone(),
                    ["user_metadata"] = new JsonObject(),
                };
            }
        }
        return profile;
    }

    private static byte[] Hash(string password) => SHA256.HashData(Encoding.UTF8.GetBytes(password));
}
