using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Rules.Host.OAuth;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Hostile;

/// <summary>
/// Bearer tokens an attacker could present: signed by another RSA key (under our key id, too), unsigned
/// (<c>alg: none</c>, built by hand since no library will make one), and tokens signed with the server's own key
/// that are expired or meant for another audience. Each carries every Management scope, so only the signature,
/// lifetime or audience can be what refuses it.
/// </summary>
internal static class ForgedTokens
{
    public const string AllScopes =
        "read:users update:users create:users read:rules create:rules update:rules delete:rules "
        + "read:rules_configs update:rules_configs delete:rules_configs read:logs impersonate:users";

    private static readonly RSA OtherKey = RSA.Create(2048);

    private static JsonObject ManagementClaims(HostHarness harness) => new()
    {
        ["sub"] = HostHarness.ToolingClientId + "@clients",
        ["scope"] = AllScopes,
        ["gty"] = "client-credentials",
        ["iss"] = HostHarness.Issuer,
        ["aud"] = HostHarness.ManagementAudience,
        ["iat"] = harness.Clock.GetUtcNow().ToUnixTimeSeconds(),
        ["exp"] = harness.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds(),
    };

    /// <summary>A well-formed RS256 token whose signature comes from a key the server has never seen, claiming the server's key id.</summary>
    public static string SignedByAnotherKey(HostHarness harness, JsonObject? claims = null)
    {
        var serverKeyId = harness.Service<SigningKeys>().Key.KeyId;
        var key = new RsaSecurityKey(OtherKey) { KeyId = serverKeyId };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            (claims ?? ManagementClaims(harness)).ToJsonString(),
            new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
    }

    /// <summary><c>{"alg":"none"}</c>, the claims, and an empty signature.</summary>
    public static string AlgNone(HostHarness harness, JsonObject? claims = null) =>
        Encode(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }) + "." + Encode(claims ?? ManagementClaims(harness)) + ".";

    /// <summary>A genuine token of the server's, signed with its key, that expired an hour ago.</summary>
    public static string Expired(HostHarness harness) =>
        harness.Service<JwtFactory>().Create(HostHarness.Issuer, HostHarness.ManagementAudience,
            new JsonObject { ["sub"] = HostHarness.ToolingClientId + "@clients", ["scope"] = AllScopes }, TimeSpan.FromHours(-1));

    /// <summary>A genuine, current token of the server's, issued for <paramref name="audience"/>.</summary>
    public static string ForAudience(HostHarness harness, string audience, string subject = HostHarness.ToolingClientId + "@clients") =>
        harness.Service<JwtFactory>().Create(HostHarness.Issuer, audience, new JsonObject { ["sub"] = subject, ["scope"] = AllScopes + " openid profile email" }, TimeSpan.FromHours(1));

    /// <summary>A genuine Management token with only <paramref name="scope"/>.</summary>
    public static string WithScope(HostHarness harness, string scope) =>
        harness.Service<JwtFactory>().Create(HostHarness.Issuer, HostHarness.ManagementAudience,
            new JsonObject { ["sub"] = HostHarness.ToolingClientId + "@clients", ["scope"] = scope }, TimeSpan.FromHours(1));

    /// <summary>A valid token of the server's with its signature swapped for the signature of another of its tokens.</summary>
    public static string WithSwappedPayload(HostHarness harness)
    {
        var genuine = WithScope(harness, "read:users").Split('.');
        var claims = ManagementClaims(harness);
        return genuine[0] + "." + Encode(claims) + "." + genuine[2];
    }

    private static string Encode(JsonObject json) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
