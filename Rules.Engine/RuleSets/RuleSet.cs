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

    public static RuleSet Empty { get; } = new([]);

    public IReadOnlyList<RuleSource> Rules { get; }

    public IReadOnlyDictionary<string, string> Configuration { get; }

    /// <summary>What the rules may call over the network (rules.json "egress"); empty means nothing. See Http/EgressEntry.</summary>
    public IReadOnlyList<string> Egress { get; }

    /// <summary>Things worth telling the author that do not stop the set from running.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>First 12 hex digits of a SHA-256 over names, order, enabled flags, scripts, configuration and locked packages.</summary>
    public string Version { get; }

    /// <summary>The npm packages vetted for this set (<c>modules.lock.json</c> beside the rules), or null when it has none.</summary>
    public PackageSet? Packages { get; }

    public RuleSet WithConfiguration(IReadOnlyDictionary<string, string> configuration) => new(Rules, configuration, Warnings, Packages, Egress);

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
