using System.Text.Json.Nodes;

namespace Rules.Host.OAuth;

/// <summary>
/// The OpenID Connect standard claims a scope releases (OIDC Core §5.4), as Auth0 maps them:
/// <c>openid</c> alone gives only <c>sub</c>; <c>email</c> adds email and email_verified; <c>profile</c> adds
/// name, nickname, picture, updated_at and the name parts when the profile has them.
/// </summary>
public static class ProfileClaims
{
    public static readonly IReadOnlyList<string> Email = ["email", "email_verified"];
    public static readonly IReadOnlyList<string> Profile = ["name", "given_name", "family_name", "nickname", "picture", "updated_at"];

    public static IEnumerable<string> All => Email.Concat(Profile);

    /// <summary>The profile fields a token may carry at all: the snapshot stored with a grant.</summary>
    public static JsonObject Snapshot(JsonObject profile)
    {
        var snapshot = new JsonObject();
        foreach (var name in All)
        {
            if (profile[name] is { } value)
            {
                snapshot[name] = value.DeepClone();
            }
        }
        return snapshot;
    }

    /// <summary>The claims <paramref name="scopes"/> release from <paramref name="profile"/>.</summary>
    public static JsonObject For(JsonObject profile, IEnumerable<string> scopes)
    {
        var granted = scopes.ToHashSet(StringComparer.Ordinal);
        var claims = new JsonObject();
        foreach (var (scope, names) in new[] { ("email", Email), ("profile", Profile) })
        {
            if (!granted.Contains(scope))
            {
                continue;
            }
            foreach (var name in names)
            {
                if (profile[name] is { } value)
                {
                    claims[name] = value.DeepClone();
                }
            }
        }
        return claims;
    }
}
