using System.Text.Json.Nodes;

namespace Rules.Engine.Testing;

/// <summary>
/// The <c>"expect"</c> block of a test case. Every field is optional; a field that is given must match.
/// Scalars compare exactly (<c>mfa</c> is compared whole: <c>{ "provider", "allowRememberBrowser" }</c>, or null for "no MFA"); <c>idToken</c>, <c>accessToken</c>, <c>user</c> and <c>failure</c> are subsets (the outcome may hold more;
/// a key expected as null must be absent or null);
/// <c>metadataUpdates</c>, <c>logs</c> and <c>http</c> (the calls made) must have the same length, each entry a subset of (or equal to) the actual one.
/// </summary>
public sealed record TestExpectation(JsonObject Fields)
{
    internal static readonly IReadOnlySet<string> ScalarKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "decision", "rule", "error", "error_description", "kind", "url", "mfa",
    };

    internal static readonly IReadOnlySet<string> SubsetKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "idToken", "accessToken", "user", "metadataUpdates", "logs", "failure", "http",
    };

    internal static bool IsKnownKey(string key) => ScalarKeys.Contains(key) || SubsetKeys.Contains(key);
}
