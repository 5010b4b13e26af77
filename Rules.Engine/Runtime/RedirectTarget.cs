namespace Rules.Engine.Runtime;

/// <summary>
/// Where a rule may send the browser in the middle of a login: an absolute https URL (http only to this machine, for
/// development), without credentials in it, at most <see cref="MaxLength"/> characters. Anything else is the rule's
/// error, so the login is denied rather than sent somewhere the author did not mean (a relative path, javascript:).
/// </summary>
internal static class RedirectTarget
{
    public const int MaxLength = 2048;

    /// <summary>Null when <paramref name="url"/> may be used, else why not.</summary>
    public static string? Check(string url)
    {
        if (url.Length == 0)
        {
            return "the redirect URL is empty";
        }
        if (url.Length > MaxLength)
        {
            return $"the redirect URL is longer than {MaxLength} characters";
        }
        foreach (var c in url)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return "the redirect URL contains spaces or control characters";
            }
        }
        if (!url.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"the redirect URL '{Shorten(url)}' is not absolute; give the whole https:// address";
        }
        if (uri.UserInfo.Length > 0)
        {
            return "the redirect URL must not carry a user name or password";
        }
        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }
        if (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)
        {
            return null;
        }
        return uri.Scheme == Uri.UriSchemeHttp
            ? $"the redirect URL '{Shorten(url)}' uses http; only https is allowed (http only to localhost)"
            : $"the redirect URL '{Shorten(url)}' uses the scheme '{uri.Scheme}'; only https is allowed";
    }

    /// <summary>Adds query parameters (api.redirect.sendUserTo's <c>query</c>) before any fragment.</summary>
    public static string WithQuery(string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var (head, fragment) = hash < 0 ? (url, "") : (url[..hash], url[hash..]);
        var builder = new System.Text.StringBuilder(head);
        var separator = head.Contains('?', StringComparison.Ordinal) ? (head.EndsWith('?') || head.EndsWith('&') ? "" : "&") : "?";
        foreach (var (name, value) in parameters)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = "&";
        }
        return builder.Append(fragment).ToString();
    }

    private static string Shorten(string url) => url.Length > 100 ? url[..100] + "…" : url;
}
