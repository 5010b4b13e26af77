using System.Text.Json;

namespace Rules.Engine.RuleSets;

/// <summary>
/// Reads a rule set from disk in the layout of ARCHITECTURE.md: <c>*.js</c> files, one rule each,
/// optionally ordered and configured by <c>rules.json</c>; or what Auth0's Deploy CLI exported, in its directory
/// or YAML format (<see cref="DeployCliDirectory"/>, <see cref="DeployCliYaml"/>). The layout is told from the files present.
/// </summary>
public static class RuleSetDirectory
{
    /// <summary>Our manifest's name: a directory that holds it is read as our layout.</summary>
    public const string ManifestFileName = "rules.json";

    private static readonly JsonDocumentOptions ManifestJsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads the rules, and the npm packages vetted beside them (<c>modules.lock.json</c>) when there are any.</summary>
    public static RuleSet Load(string directory)
    {
        var ruleSet = LoadRules(directory);
        var folder = File.Exists(directory) ? Path.GetDirectoryName(Path.GetFullPath(directory))! : directory;
        return Modules.PackageSet.Open(folder) is { } packages ? ruleSet.WithPackages(packages) : ruleSet;
    }

    private static RuleSet LoadRules(string directory) => DetectLayout(directory) switch
    {
        RuleSetLayout.Manifest => LoadWithManifest(directory, Path.Combine(directory, ManifestFileName)),
        RuleSetLayout.DeployCliYaml => DeployCliYaml.Load(File.Exists(directory) ? directory : DeployCliYaml.FindIn(directory)!),
        RuleSetLayout.DeployCliDirectory => DeployCliDirectory.IsRulesFolder(directory)
            ? DeployCliDirectory.LoadRulesFolder(directory)
            : DeployCliDirectory.LoadExport(directory),
        _ => LoadByFileName(directory),
    };

    /// <summary>
    /// Which layout <paramref name="path"/> holds: our <c>rules.json</c> wins, then a <c>tenant.yaml</c> (or the YAML file itself),
    /// then a Deploy CLI directory export (<c>rules/</c>, <c>rules-configs/</c>, or a <c>rules/</c> folder of NAME.js + NAME.json).
    /// </summary>
    public static RuleSetLayout DetectLayout(string path)
    {
        if (File.Exists(path) && DeployCliYaml.IsYamlFile(path))
        {
            return RuleSetLayout.DeployCliYaml;
        }
        if (!Directory.Exists(path))
        {
            throw new RuleSetException(File.Exists(path)
                ? $"'{path}' is a file; expected a rules directory of *.js files and an optional {ManifestFileName}, a Deploy CLI export directory, or its tenant.yaml"
                : $"rules directory '{path}' does not exist");
        }

        try
        {
            if (File.Exists(Path.Combine(path, ManifestFileName)))
            {
                return RuleSetLayout.Manifest;
            }
            if (DeployCliYaml.FindIn(path) is not null)
            {
                return RuleSetLayout.DeployCliYaml;
            }
            return DeployCliDirectory.IsExportRoot(path) || DeployCliDirectory.IsRulesFolder(path)
                ? RuleSetLayout.DeployCliDirectory
                : RuleSetLayout.FileNames;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuleSetException($"rules directory '{path}' cannot be read: {e.Message}");
        }
    }

    private static RuleSet LoadByFileName(string directory)
    {
        var files = ListRuleFiles(directory).OrderBy(Path.GetFileName, StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            // A directory with nothing in it is far more often a wrong path than an intent to allow
            // every login; an explicit empty rules.json says the latter.
            throw new RuleSetException($"no rules found in '{directory}': expected *.js files or a {ManifestFileName} (use {{\"rules\": []}} for an intentionally empty set)");
        }

        var rules = files.Select(f => new RuleSource(Path.GetFileNameWithoutExtension(f), f, ReadFile(f)));
        return new RuleSet(rules);
    }

    private static RuleSet LoadWithManifest(string directory, string manifestPath)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(ReadFile(manifestPath), ManifestJsonOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new RuleSetException($"{manifestPath}:{e.LineNumber + 1}: not valid JSON: {FirstSentence(e.Message)}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RuleSetException($"{manifestPath}: expected a JSON object with \"rules\" and optional \"configuration\"");
        }

        var rules = new List<RuleSource>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("rules", out var rulesElement))
        {
            if (rulesElement.ValueKind != JsonValueKind.Array)
            {
                throw new RuleSetException($"{manifestPath}: \"rules\" must be an array");
            }

            var index = 0;
            foreach (var entry in rulesElement.EnumerateArray())
            {
                rules.Add(ReadManifestEntry(directory, manifestPath, entry, index++, listed));
            }
        }

        var configuration = ReadConfiguration(manifestPath, root);
        var unlisted = ListRuleFiles(directory)
            .Select(Path.GetFileName)
            .Where(name => !listed.Contains(name!))
            .OrderBy(name => name, StringComparer.Ordinal)
            .Select(name => $"{Path.Combine(directory, name!)}: not listed in {ManifestFileName}, so it does not run");

        return new RuleSet(rules, configuration, unlisted, egress: ReadEgress(manifestPath, root));
    }

    // "egress": ["api.example.com", "*.slack.com", "https://crm.example.com/v2/"]: what rules may call (docs/authoring-rules.md).
    private static string[] ReadEgress(string manifestPath, JsonElement root)
    {
        if (!root.TryGetProperty("egress", out var element))
        {
            return [];
        }
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new RuleSetException($"{manifestPath}: \"egress\" must be an array of strings (hosts, *.domains, URL prefixes or addresses)");
        }
        var entries = element.EnumerateArray().Select(e => e.GetString()!).ToArray();
        foreach (var entry in entries)
        {
            try
            {
                Http.EgressEntry.Parse(entry);
            }
            catch (FormatException e)
            {
                throw new RuleSetException($"{manifestPath}: {e.Message}");
            }
        }
        return entries;
    }

    private static RuleSource ReadManifestEntry(string directory, string manifestPath, JsonElement entry, int index, HashSet<string> listed)
    {
        var where = $"{manifestPath}: rules[{index}]";
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new RuleSetException($"{where} must be an object with \"file\", and optional \"name\" and \"enabled\"");
        }

        if (!entry.TryGetProperty("file", out var fileElement) || fileElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(fileElement.GetString()))
        {
            throw new RuleSetException($"{where} needs a \"file\" naming a .js file in '{directory}'");
        }

        var file = fileElement.GetString()!;
        var fullDirectory = Path.GetFullPath(directory);
        var path = Path.GetFullPath(Path.Combine(fullDirectory, file));
        // Compare by relative path, not by string prefix: a directory given as "rules/" keeps its trailing separator.
        var relative = Path.GetRelativePath(fullDirectory, path);
        if (relative == "." || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new RuleSetException($"{where}: file '{file}' is outside the rules directory");
        }

        if (!File.Exists(path))
        {
            throw new RuleSetException($"{where}: file '{file}' does not exist in '{directory}'");
        }

        listed.Add(relative);

        var name = Path.GetFileNameWithoutExtension(file);
        if (entry.TryGetProperty("name", out var nameElement))
        {
            if (nameElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameElement.GetString()))
            {
                throw new RuleSetException($"{where}: \"name\" must be a non-empty string");
            }
            name = nameElement.GetString()!;
        }

        var enabled = true;
        if (entry.TryGetProperty("enabled", out var enabledElement))
        {
            if (enabledElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new RuleSetException($"{where}: \"enabled\" must be true or false");
            }
            enabled = enabledElement.GetBoolean();
        }

        return new RuleSource(name, Path.Combine(directory, file), ReadFile(path), enabled);
    }

    private static Dictionary<string, string> ReadConfiguration(string manifestPath, JsonElement root)
    {
        var configuration = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("configuration", out var element))
        {
            return configuration;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new RuleSetException($"{manifestPath}: \"configuration\" must be an object of string values");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                // Auth0 stored configuration values as strings; rules parse them themselves.
                throw new RuleSetException($"{manifestPath}: configuration value \"{property.Name}\" must be a string");
            }
            configuration[property.Name] = property.Value.GetString()!;
        }
        return configuration;
    }

    private static string[] ListRuleFiles(string directory)
    {
        try
        {
            return Directory.GetFiles(directory, "*.js");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuleSetException($"rules directory '{directory}' cannot be read: {e.Message}");
        }
    }

    /// <summary>Reads a rule or the manifest; failures (unreadable, a dangling link) are one-line <see cref="RuleSetException"/>s.</summary>
    internal static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new RuleSetException($"{path}: cannot be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RuleSetException($"{path}: cannot be read: {e.Message}");
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
