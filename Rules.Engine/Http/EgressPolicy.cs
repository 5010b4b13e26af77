using System.Net;

namespace Rules.Engine.Http;

/// <summary>
/// Deny by default: a URL may be called only when an entry allows its scheme, host, port and path, and a connection may
/// be opened only to an address that entry allows. A host-name entry never opens a special address (loopback, private,
/// link-local, metadata, multicast, unspecified; see <see cref="SpecialAddresses"/>) whatever DNS answers; only an
/// address or range entry that contains it does.
/// </summary>
public sealed class EgressPolicy
{
    /// <summary>Builds a policy from parsed entries; a URL is allowed when any of them allows it.</summary>
    /// <param name="entries">The allow-list; empty denies every call.</param>
    public EgressPolicy(IEnumerable<EgressEntry> entries)
    {
        Entries = entries.ToArray();
    }

    /// <summary>The policy with no entries: every outbound call fails with <c>ERR_EGRESS_DENIED</c>. The default for a rule set that lists none.</summary>
    public static EgressPolicy DenyAll { get; } = new([]);

    /// <summary>The allow-list, in the order it was given.</summary>
    public IReadOnlyList<EgressEntry> Entries { get; }

    /// <summary>Parses entries from rules.json and host configuration; throws <see cref="FormatException"/> on the first bad one.</summary>
    public static EgressPolicy Parse(IEnumerable<string> entries) => new(entries.Select(EgressEntry.Parse));

    /// <summary>A policy that allows what this one allows and what <paramref name="other"/> allows (the rule set's entries plus the server's).</summary>
    public EgressPolicy Including(EgressPolicy other) => other.Entries.Count == 0 ? this : new(Entries.Concat(other.Entries));

    /// <summary>The entry that allows the URL, or the reason it is refused.</summary>
    internal (EgressEntry? Entry, string? Refusal) Decide(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            return (null, $"only http and https URLs can be called");
        }

        IPAddress? literal = null;
        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            if (!WrittenAsAddress(url))
            {
                return (null, $"the host '{OriginalHost(url)}' is an address written in decimal, octal or hex; write it as a dotted quad");
            }
            literal = IPAddress.Parse(url.Host.Trim('[', ']'));
        }
        else if (EgressEntry.IsNumericHost(url.Host))
        {
            return (null, $"the host '{url.Host}' is an address written in decimal, octal or hex; write it as a dotted quad");
        }

        foreach (var entry in Entries)
        {
            if (entry.Matches(url, literal))
            {
                if (literal is not null && CheckAddress(entry, literal) is { } refusal)
                {
                    return (null, refusal);
                }
                return (entry, null);
            }
        }

        return (null, Entries.Count == 0
            ? $"{url.Scheme}://{url.Authority} is not in the egress allow list (the list is empty: nothing may be called)"
            : $"{url.Scheme}://{url.Authority}{url.AbsolutePath} is not in the egress allow list");
    }

    /// <summary>Null when <paramref name="entry"/> lets a connection go to <paramref name="address"/>; otherwise why not.</summary>
    internal static string? CheckAddress(EgressEntry entry, IPAddress address)
    {
        if (entry.Network is not null)
        {
            return entry.Contains(address) ? null : $"{address} is outside the allowed address '{entry.Text}'";
        }
        return SpecialAddresses.Classify(address) is { } special
            ? $"{entry.Host ?? entry.Text} resolved to {address}, a {special} address; only an allow-list entry naming that address or range can open it"
            : null;
    }

    private static bool WrittenAsAddress(Uri url)
    {
        var written = OriginalHost(url);
        if (url.HostNameType == UriHostNameType.IPv6)
        {
            return true;
        }
        return IPAddress.TryParse(written, out var parsed) && parsed.ToString() == written && written.Split('.').All(part => part == "0" || !part.StartsWith('0'));
    }

    // Uri canonicalises 2130706433 and 0177.0.0.1 to 127.0.0.1; the text as the rule wrote it tells them apart.
    private static string OriginalHost(Uri url)
    {
        var text = url.OriginalString;
        var start = text.IndexOf("://", StringComparison.Ordinal);
        var authority = start < 0 ? text : text[(start + 3)..];
        var end = authority.IndexOfAny(['/', '?', '#']);
        if (end >= 0) authority = authority[..end];
        var at = authority.LastIndexOf('@');
        if (at >= 0) authority = authority[(at + 1)..];
        if (authority.StartsWith('['))
        {
            return authority[..(authority.IndexOf(']') + 1)];
        }
        var colon = authority.IndexOf(':');
        return colon >= 0 ? authority[..colon] : authority;
    }
}
