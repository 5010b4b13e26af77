using System.Text.RegularExpressions;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Hostile;

/// <summary>Things a refusal must never show: internals, secrets, hashes, other people's data, or live script.</summary>
internal static partial class ResponseLeaks
{
    private static readonly string[] ClientSecrets =
        [HostHarness.ToolingSecret, HostHarness.AdminConsoleSecret, HostHarness.PortalSecret, HostHarness.BillingSecret, "sample-spa-secret", "-change-me-"];

    private static readonly string[] SampleEmails =
    [
        "priya.shah@acme-support.example.com", "maria.gonzalez@acme-support.example.com", "tom.becker@acme.example.com", HostHarness.JordanEmail,
        "noor.haddad@example.org", "sam.okafor@acme.example.com", "alex.kim@outlook.com",
    ];

    /// <summary>Every leak found in <paramref name="text"/> (the body and headers of one response).</summary>
    public static IEnumerable<string> Find(string text, HostHarness harness)
    {
        if (text.Contains("   at ", StringComparison.Ordinal)) yield return "a stack trace (\"   at \")";
        foreach (Match type in ExceptionTypeName().Matches(text)) yield return $"an exception type name ({type.Value})";
        foreach (var secret in ClientSecrets.Where(s => text.Contains(s, StringComparison.Ordinal))) yield return $"a client secret ({secret})";
        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal) || text.Contains(SigningKeyFragment(harness), StringComparison.Ordinal)) yield return "the signing key";
        if (text.Contains("AQAAAA", StringComparison.Ordinal)) yield return "a password hash (AQAAAA...)";
        foreach (var email in SampleEmails.Where(e => text.Contains(e, StringComparison.OrdinalIgnoreCase))) yield return $"a user's email ({email})";
        if (text.Contains("<script>alert(1)</script>", StringComparison.OrdinalIgnoreCase)) yield return "the attacker's script, unencoded";
        if (JavascriptAttribute().IsMatch(text)) yield return "a javascript: URL in an attribute";
        if (text.Contains("SQLite Error", StringComparison.OrdinalIgnoreCase) || text.Contains("SELECT ", StringComparison.Ordinal)) yield return "SQL or a database error";
    }

    // 64 characters from the middle of the PEM body: present in any copy of the key, however it is wrapped.
    private static string SigningKeyFragment(HostHarness harness)
    {
        var pem = harness.SigningKeyPem();
        var body = string.Concat(pem.Split('\n').Where(line => !line.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));
        return body.Substring(body.Length / 2, 64);
    }

    [GeneratedRegex(@"\b(?:System|Microsoft|Rules)\.[\w.]*Exception\b|\b\w+Exception\b")]
    private static partial Regex ExceptionTypeName();

    [GeneratedRegex(@"(?:href|src|action|formaction)\s*=\s*[""']?\s*javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex JavascriptAttribute();
}
