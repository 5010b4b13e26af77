using System.Security.Cryptography;
using System.Text;
using Rules.Engine.Modules;

namespace Rules.Engine.RuleSets;

/// <summary>
/// An ordered list of rules and the configuration they read. Immutable; its <see cref="Version"/>
/// is a hash of everything that can change an outcome, so a decision log can name exactly what decided.
/// </summary>
public sealed class RuleSet
{
    /// <summary>A rule set from rules already read; its <see cref="Version"/> is computed from everything that can change a decision.</summary>
    /// <param name="rules">The rules, in the order they run.</param>
    /// <param name="configuration">What rules read as <c>configuration</c>; empty when null.</param>
    /// <param name="warnings">Problems found while reading that do not stop the set from running.</param>
    /// <param name="packages">The npm packages vetted for this set; null for none.</param>
    /// <param name="egress">The set's own egress allow-list entries, as written in rules.json.</param>
    public RuleSet(IEnumerable<RuleSource> rules, IReadOnlyDictionary<string, string>? configuration = null, IEnumerable<string>? warnings = null, PackageSet? packages = null,
        IEnumerable<string>? egress = null)
    {
        Packages = packages;
        Egress = egress?.ToArray() ?? [];
        Rules = rules.ToArray();
        Configuration = configuration is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string>(configuration, StringComparer.Ordinal);
        Warnings = warnings?.ToArray() ?? [];

        var duplicate = Rules.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new RuleSetException($"rule name '{duplicate.Key}' is used more than once; rule names must be unique");
        }

        Version = ComputeVersion(Rules, Configuration, packages, Egress);
    }

    /// <summary>A set with no rules: every login is allowed unchanged.</summary>
    public static RuleSet Empty { get; } = new([]);

    /// <summary>The rules in the order they run, disabled ones included.</summary>
    public IReadOnlyList<RuleSource> Rules { get; }

    /// <summary>What rules read as <c>configuration</c> (Auth0's rule settings), key to string value.</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; }

    /// <summary>What the rules may call over the network (rules.json "egress"); empty means nothing. See Http/EgressEntry.</summary>
    public IReadOnlyList<string> Egress { get; }

    /// <summary>Things worth telling the author that do not stop the set from running.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>First 12 hex digits of a SHA-256 over names, order, enabled flags, scripts, configuration and locked packages.</summary>
    public string Version { get; }

    /// <summary>The npm packages vetted for this set (<c>modules.lock.json</c> beside the rules), or null when it has none.</summary>
    public PackageSet? Packages { get; }

    /// <summary>A copy with other configuration values (and so another version), for a host that keeps settings apart from the rules.</summary>
    public RuleSet WithConfiguration(IReadOnlyDictionary<string, string> configuration) => new(Rules, configuration, Warnings, Packages, Egress);

    /// <summary>A copy with another set of vetted packages (and so another version).</summary>
    public RuleSet WithPackages(PackageSet? packages) => new(Rules, Configuration, Warnings, packages, Egress);

    private static string ComputeVersion(IReadOnlyList<RuleSource> rules, IReadOnlyDictionary<string, string> configuration, PackageSet? packages, IReadOnlyList<string> egress)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var rule in rules)
        {
            Append(hash, rule.Name);
            Append(hash, rule.Enabled ? "1" : "0");
            Append(hash, rule.Script);
        }
        foreach (var (key, value) in configuration.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Append(hash, key);
            Append(hash, value);
        }
        // The locked packages decide what a require loads; a set without any keeps the version it always had.
        foreach (var package in packages?.Lock.Packages ?? [])
        {
            Append(hash, package.Key);
            Append(hash, package.Integrity);
            if (package.FilesHash is not null)
            {
                Append(hash, package.FilesHash);
            }
        }
        // Only a set that allows egress hashes it, so the versions of every set recorded before egress existed stay the same.
        foreach (var entry in egress)
        {
            Append(hash, "egress");
            Append(hash, entry);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    private static void Append(IncrementalHash hash, string value)
    {
        // Length-prefixed so that ("ab","c") and ("a","bc") hash differently.
        hash.AppendData(BitConverter.GetBytes(value.Length));
        hash.AppendData(Encoding.UTF8.GetBytes(value));
    }
}
