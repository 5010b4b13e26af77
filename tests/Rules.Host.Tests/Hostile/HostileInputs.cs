namespace Rules.Host.Tests.Hostile;

/// <summary>The strings attackers try in every field, and the places they try to send a victim.</summary>
internal static class HostileInputs
{
    public const string SqlOr = "' OR 1=1 --";
    public const string SqlDrop = "\"; DROP TABLE users; --";
    public const string Script = "<script>alert(1)</script>";
    public const string JavascriptUrl = "javascript:alert(document.cookie)";
    public const string EvilCallback = "https://evil.example/callback";
    // Tricks that pass a naive prefix or host check on an allowed callback.
    public const string LookalikeCallback = "http://localhost:3000.evil.example/callback";
    public const string UserinfoCallback = "http://localhost:3000@evil.example/callback";
    public const string SchemeRelative = "//evil.example/callback";

    /// <summary>Over the default Rules:MaxRequestBodyBytes (256 KB).</summary>
    public static string HugeJsonBody(string field = "junk") => $"{{\"{field}\":\"{new string('a', 300 * 1024)}\"}}";

    public static string HugeFormBody(string field = "junk") => $"{field}={new string('a', 300 * 1024)}";

    /// <summary>A header far larger than any real one (Kestrel would refuse it at 32 KB; the in-process server lets it reach the app).</summary>
    public static string HugeHeaderValue() => "Bearer " + new string('A', 64 * 1024);

    public static string DeepJson(int depth) => new string('[', depth) + new string(']', depth);
}
