using System.Text.RegularExpressions;

namespace Rules.Engine.RuleSets;

/// <summary>
/// What the two Deploy CLI export formats share once read: Auth0's order (ascending, then name), its enabled flags,
/// only the <c>login_success</c> stage (the one Auth0 ran on a login), and paths kept inside the export.
/// </summary>
internal static partial class Auth0Export
{
    public const string LoginSuccessStage = "login_success";

    public static RuleSet Build(IEnumerable<Auth0ExportRule> entries, IReadOnlyDictionary<string, string> configuration, List<string> warnings, bool explicitlyEmpty, string source)
    {
        var rules = new List<RuleSource>();
        foreach (var entry in entries.OrderBy(e => e.Order ?? double.MaxValue).ThenBy(e => e.Name, StringComparer.Ordinal))
        {
            if (!string.Equals(entry.Stage, LoginSuccessStage, StringComparison.Ordinal))
            {
                warnings.Add($"{entry.Where}: stage '{entry.Stage}' is not run by this host (only {LoginSuccessStage}), so rule '{entry.Name}' is left out");
                continue;
            }
            if (KeywordPlaceholder().Match(entry.Script) is { Success: true } placeholder)
            {
                warnings.Add($"{entry.File}: contains the Deploy CLI keyword placeholder {placeholder.Value}, which this host does not replace");
            }
            rules.Add(new RuleSource(entry.Name, entry.File, entry.Script, entry.Enabled));
        }

        if (rules.Count == 0 && !explicitlyEmpty)
        {
            // As for our own layout: an export with nothing to run is more often a wrong path than an intent to allow everyone.
            throw new RuleSetException($"no login rules found in '{source}': expected rules/*.json beside rules/*.js, or a rules: list in tenant.yaml");
        }
        return new RuleSet(rules, configuration, warnings);
    }

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="baseDirectory"/>, refused when it leaves <paramref name="root"/>.</summary>
    public static string ResolveInside(string root, string baseDirectory, string relative, string where)
    {
        var fullRoot = Path.GetFullPath(root);
        var path = Path.GetFullPath(Path.Combine(baseDirectory, relative.Replace('\\', '/')));
        var fromRoot = Path.GetRelativePath(fullRoot, path);
        if (fromRoot == ".." || fromRoot.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(fromRoot))
        {
            throw new RuleSetException($"{where}: script '{relative}' is outside the export '{root}'");
        }
        return path;
    }

    public static void AddConfiguration(Dictionary<string, string> configuration, string key, string value, string where)
    {
        if (!configuration.TryAdd(key, value))
        {
            throw new RuleSetException($"{where}: configuration key '{key}' is defined more than once");
        }
    }

    // ##NAME## and @@NAME@@, which a0deploy replaces from AUTH0_KEYWORD_REPLACE_MAPPINGS on import.
    [GeneratedRegex(@"(##[A-Za-z0-9_]+##|@@[A-Za-z0-9_]+@@)")]
    private static partial Regex KeywordPlaceholder();
}
