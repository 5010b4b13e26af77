using System.Text.Json.Nodes;

namespace Rules.Host.Tenant;

/// <summary>An application, in the shape of Auth0's client object.</summary>
public sealed record Client(
    string ClientId,
    string Name,
    string ClientSecret,
    string AppType,
    IReadOnlyList<string> Callbacks,
    IReadOnlyList<string> LogoutUrls,
    IReadOnlyList<string> GrantTypes,
    JsonObject ClientMetadata,
    string TokenEndpointAuthMethod = Client.SecretPost)
{
    public const string SecretPost = "client_secret_post";
    public const string None = "none";

    /// <summary>
    /// A public client (Auth0's token_endpoint_auth_method "none": SPAs and native apps) cannot keep a secret:
    /// it proves at /oauth/token that it started the login with PKCE instead.
    /// </summary>
    public bool IsPublic => TokenEndpointAuthMethod == None;

    /// <summary>PKCE is required of public clients and of every single-page application, as Auth0 requires it.</summary>
    public bool RequiresPkce => IsPublic || AppType == "spa";
}

/// <summary>Which Management API scopes a client may ask for with client_credentials.</summary>
public sealed record ClientGrant(string ClientId, string Audience, IReadOnlyList<string> Scope);

public sealed record Connection(string Id, string Name, string Strategy, IReadOnlyList<string> EnabledClients)
{
    /// <summary>The strategy of Auth0's database connections, the only ones whose users have passwords here.</summary>
    public const string DatabaseStrategy = "auth0";

    public bool IsDatabase => Strategy == DatabaseStrategy;

    public bool IsEnabledFor(Client client) => EnabledClients.Contains(client.ClientId, StringComparer.Ordinal);
}

/// <summary>A user as stored: the Auth0 profile (never the password hash) plus the columns the server queries.</summary>
public sealed record TenantUser(
    string UserId,
    string? Email,
    string Connection,
    bool Blocked,
    long LoginsCount,
    JsonObject Profile,
    string? PasswordHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The profile as the Management API and the rules see it.</summary>
    public JsonObject ToProfileJson()
    {
        var profile = (JsonObject)Profile.DeepClone();
        profile["user_id"] = UserId;
        if (Email is not null) profile["email"] = Email;
        profile["logins_count"] = LoginsCount;
        profile["blocked"] = Blocked;
        profile["created_at"] = CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        profile["updated_at"] = UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        profile["identities"] ??= new JsonArray(new JsonObject
        {
            ["connection"] = Connection,
            ["provider"] = "auth0",
            ["user_id"] = UserId.Contains('|') ? UserId[(UserId.IndexOf('|') + 1)..] : UserId,
            ["isSocial"] = false,
        });
        profile["app_metadata"] ??= new JsonObject();
        profile["user_metadata"] ??= new JsonObject();
        return profile;
    }
}

/// <summary>Tenant-wide switches. Impersonation is off unless the seed or configuration turns it on.</summary>
public sealed record TenantSettings(string FriendlyName, bool ImpersonationEnabled, IReadOnlyList<string> Impersonators)
{
    /// <summary>True when <paramref name="user"/> is listed (by user_id or email) as allowed to impersonate.</summary>
    public bool MayImpersonate(TenantUser user) =>
        Impersonators.Any(i => string.Equals(i, user.UserId, StringComparison.Ordinal)
            || (user.Email is not null && string.Equals(i, user.Email, StringComparison.OrdinalIgnoreCase)));
}
