namespace Rules.Engine.Http;

/// <summary>One outbound call a rule asked for, as the facades hand it to the core: the body is already text.</summary>
public sealed record RuleHttpRequest(string Method, Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body)
{
    /// <summary>The URL without query string, fragment or credentials: what logs and decision records may show.</summary>
    public string LoggableUrl => Loggable(Url);

    internal static string Loggable(Uri url) => $"{url.Scheme}://{url.Authority}{url.AbsolutePath}";
}

/// <summary>A complete response, read within the byte cap. Header names are lower-case, as Node gives them.</summary>
public sealed record RuleHttpResponse(int Status, string StatusText, IReadOnlyDictionary<string, string> Headers, string Body, Uri Url, long Bytes);

/// <summary>What one call may use: the response-size cap and the time it may take (already cut to what the login has left).</summary>
public readonly record struct HttpCallLimits(long MaxResponseBytes, TimeSpan Timeout);
