using System.Globalization;
using System.Net;

namespace Rules.Engine.Http;

/// <summary>
/// One allow-list entry: a host (<c>api.example.com</c>), a wildcard of subdomains (<c>*.slack.com</c>), a URL prefix
/// (<c>https://crm.example.com/v2/</c>), an address (<c>http://127.0.0.1:8080</c>) or a range (<c>10.1.0.0/16</c>).
/// Without a scheme an entry means https on port 443; only an entry that says <c>http://</c> allows plain http.
/// </summary>
public sealed record EgressEntry
{
    /// <summary>The entry as the operator wrote it, for messages and the Dashboard.</summary>
    public required string Text { get; init; }

    /// <summary>The scheme the entry allows: <c>https</c> unless the entry said <c>http://</c>.</summary>
    public required string Scheme { get; init; }

    /// <summary>Lower-case host name without a trailing dot; null for an address or range entry.</summary>
    public string? Host { get; init; }

    /// <summary>True for <c>*.example.com</c>: any subdomain, not the apex.</summary>
    public bool Wildcard { get; init; }

    /// <summary>The address or network of an address entry; null for a host entry.</summary>
    public IPAddress? Network { get; init; }

    /// <summary>The prefix length of a range entry (<c>10.1.0.0/16</c> gives 16); the full address length for a single address.</summary>
    public int Prefix { get; init; }

    /// <summary>The port the entry allows; null means the scheme's default port.</summary>
    public int? Port { get; init; }

    /// <summary>A path prefix ending in '/', or null for any path.</summary>
    public string? PathPrefix { get; init; }

    /// <summary>The port a call must use: <see cref="Port"/>, or the scheme's default (80 for http, 443 for https).</summary>
    public int EffectivePort => Port ?? (Scheme == "http" ? 80 : 443);

    /// <summary>Parses one entry, or throws <see cref="FormatException"/> naming what is wrong with it.</summary>
    public static EgressEntry Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text.Trim();
        if (rest.Length == 0)
        {
            throw new FormatException("an egress entry is empty");
        }

        var scheme = "https";
        var schemeEnd = rest.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            scheme = rest[..schemeEnd].ToLowerInvariant();
            if (scheme is not ("http" or "https"))
            {
                throw new FormatException($"egress entry '{text}': only http:// and https:// can be allowed");
            }
            rest = rest[(schemeEnd + 3)..];
        }

        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? null : rest[slash..];
        if (authority.Contains('@') || rest.IndexOfAny(['?', '#']) >= 0)
        {
            throw new FormatException($"egress entry '{text}': an entry names a host and an optional path, without credentials, query or fragment");
        }

        var (host, port) = SplitPort(text, authority);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IsDottedOrBracketed(host))
        {
            var prefix = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
            if (path is not null && path.Length > 1 && int.TryParse(path.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
            {
                if (bits > prefix)
                {
                    throw new FormatException($"egress entry '{text}': a /{bits} range is longer than the address");
                }
                prefix = bits;
                path = null;
            }
            return new EgressEntry
            {
                Text = text, Scheme = scheme, Network = SpecialAddresses.Canonical(address), Prefix = prefix, Port = port,
                PathPrefix = NormalisePath(text, path),
            };
        }

        host = host.TrimEnd('.').ToLowerInvariant();
        var wildcard = host.StartsWith("*.", StringComparison.Ordinal);
        if (wildcard)
        {
            host = host[2..];
        }
        if (host.Length == 0 || host.Contains('*') || Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            throw new FormatException($"egress entry '{text}': '{host}' is not a host name (a wildcard is allowed only as the first label, '*.example.com')");
        }
        if (IsNumericHost(host))
        {
            throw new FormatException($"egress entry '{text}': write an address as a dotted quad (for example 127.0.0.1), not in decimal, octal or hex");
        }
        return new EgressEntry { Text = text, Scheme = scheme, Host = host, Wildcard = wildcard, Port = port, PathPrefix = NormalisePath(text, path) };
    }

    /// <summary>Does the URL's scheme, host, port and path fall under this entry? The address is checked later, on connect.</summary>
    public bool Matches(Uri url, IPAddress? literal)
    {
        if (url.Scheme != Scheme || url.Port != EffectivePort)
        {
            return false;
        }
        if (PathPrefix is not null && (!url.AbsolutePath.StartsWith(PathPrefix, StringComparison.Ordinal) && url.AbsolutePath + "/" != PathPrefix
            || HasEscapedSeparator(url.AbsolutePath)))
        {
            return false;
        }
        if (Network is not null)
        {
            return literal is not null && Contains(literal);
        }
        if (literal is not null)
        {
            return false;
        }
        var host = url.IdnHost.TrimEnd('.').ToLowerInvariant();
        return Wildcard ? host.EndsWith("." + Host, StringComparison.Ordinal) : host == Host;
    }

    /// <summary>True when this is an address entry whose address or range contains <paramref name="address"/>.</summary>
    public bool Contains(IPAddress address) =>
        Network is not null && SpecialAddresses.InRange(SpecialAddresses.Canonical(address), Network, Prefix);

    // A server may decode %2e%2e or %2f after the prefix was compared: under a path entry such a path is not allowed at all.
    private static bool HasEscapedSeparator(string path) =>
        path.Contains("%2e", StringComparison.OrdinalIgnoreCase) || path.Contains("%2f", StringComparison.OrdinalIgnoreCase)
        || path.Contains("%5c", StringComparison.OrdinalIgnoreCase) || path.Contains('\\');

    private static (string Host, int? Port) SplitPort(string text, string authority)
    {
        var colon = authority.LastIndexOf(':');
        var close = authority.LastIndexOf(']');
        if (colon < 0 || colon < close || (close < 0 && authority.IndexOf(':') != colon))
        {
            return (authority, null);
        }
        if (!int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"egress entry '{text}': the port must be a number from 1 to 65535");
        }
        return (authority[..colon], port);
    }

    private static bool IsDottedOrBracketed(string host) =>
        host.StartsWith('[') || host.Contains(':') || host.Count(c => c == '.') == 3;

    // "2130706433", "0x7f.1", "0177.0.0.1": forms inet_aton accepts that do not look like addresses to a reader.
    internal static bool IsNumericHost(string host) =>
        host.Split('.').All(label => label.Length > 0 && (label.All(char.IsAsciiDigit)
            || (label.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && label[2..].All(char.IsAsciiHexDigit))));

    private static string? NormalisePath(string text, string? path)
    {
        if (path is null || path == "/")
        {
            return null;
        }
        if (path.Contains("..", StringComparison.Ordinal) || path.Contains('%'))
        {
            throw new FormatException($"egress entry '{text}': the path must be plain, without '..' or percent-escapes");
        }
        return path.EndsWith('/') ? path : path + "/";
    }
}
