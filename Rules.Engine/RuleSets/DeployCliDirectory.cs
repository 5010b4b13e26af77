using System.Text.Json;

namespace Rules.Engine.RuleSets;

/// <summary>
/// Reads the Auth0 Deploy CLI's directory export (<c>a0deploy export --format directory</c>):
/// <c>rules/NAME.json</c> (<c>name</c>, <c>order</c>, <c>enabled</c>, <c>stage</c>, <c>script: "./NAME.js"</c>) beside
/// <c>rules/NAME.js</c>, and <c>rules-configs/KEY.json</c> holding <c>{ "key": ..., "value": ... }</c>.
/// A <c>.js</c> with no <c>.json</c> naming it is a rule named after its file, as the older GitHub deploy extension had it.
/// </summary>
internal static class DeployCliDirectory
{
    public const string RulesFolder = "rules";
    public const string ConfigsFolder = "rules-configs";

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>An export root: no rule files of our own at the top, and a <c>rules/</c> or <c>rules-configs/</c> folder.</summary>
    public static bool IsExportRoot(string directory) =>
        Directory.GetFiles(directory, "*.js").Length == 0
        && (Directory.Exists(Path.Combine(directory, RulesFolder)) || Directory.Exists(Path.Combine(directory, ConfigsFolder)));

    /// <summary>An export's <c>rules/</c> folder given directly: some <c>NAME.json</c> sits beside a <c>NAME.js</c>.</summary>
    public static bool IsRulesFolder(string directory) =>
        Directory.GetFiles(directory, "*.json").Any(json => File.Exists(Path.ChangeExtension(json, ".js")));

    public static RuleSet LoadExport(string root)
    {
        var rulesFolder = Path.Combine(root, RulesFolder);
        var entries = Directory.Exists(rulesFolder) ? ReadRules(root, rulesFolder) : [];
        var configuration = ReadConfigs(Path.Combine(root, ConfigsFolder));
        return Auth0Export.Build(entries, configuration, [], explicitlyEmpty: false, root);
    }

    public static RuleSet LoadRulesFolder(string folder) =>
        Auth0Export.Build(ReadRules(folder, folder), new Dictionary<string, string>(StringComparer.Ordinal), [], explicitlyEmpty: false, folder);

    private static List<Auth0ExportRule> ReadRules(string root, string folder)
    {
        var entries = new List<Auth0ExportRule>();
        var described = new HashSet<string>(StringComparer.Ordinal);
        foreach (var json in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var entry = ReadRule(root, folder, json);
            described.Add(Path.GetFullPath(entry.File));
            entries.Add(entry);
        }

        foreach (var script in Directory.GetFiles(folder, "*.js").Order(StringComparer.Ordinal))
        {
            if (!described.Contains(Path.GetFullPath(script)))
            {
                entries.Add(new Auth0ExportRule(Path.GetFileNameWithoutExtension(script), script, RuleSetDirectory.ReadFile(script), null, true,
                    Auth0Export.LoginSuccessStage, script));
            }
        }
        return entries;
    }

    private static Auth0ExportRule ReadRule(string root, string folder, string path)
    {
        var rule = ReadObject(path, "a rule: { \"name\", \"script\", \"order\", \"enabled\", \"stage\" }");
        var name = OptionalString(rule, "name", path) ?? Path.GetFileNameWithoutExtension(path);
        var script = OptionalString(rule, "script", path) ?? "./" + Path.GetFileNameWithoutExtension(path) + ".js";
        var scriptPath = Auth0Export.ResolveInside(root, folder, script, path);
        if (!File.Exists(scriptPath))
        {
            throw new RuleSetException($"{path}: script '{script}' does not exist");
        }

        double? order = null;
        if (rule.TryGetProperty("order", out var orderElement) && orderElement.ValueKind != JsonValueKind.Null)
        {
            order = orderElement.ValueKind == JsonValueKind.Number ? orderElement.GetDouble() : throw new RuleSetException($"{path}: \"order\" must be a number");
        }

        var enabled = true;
        if (rule.TryGetProperty("enabled", out var enabledElement))
        {
            enabled = enabledElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new RuleSetException($"{path}: \"enabled\" must be true or false"),
            };
        }

        var stage = OptionalString(rule, "stage", path) ?? Auth0Export.LoginSuccessStage;
        var relativeFile = Path.Combine(folder, Path.GetRelativePath(folder, scriptPath));
        return new Auth0ExportRule(name, relativeFile, RuleSetDirectory.ReadFile(scriptPath), order, enabled, stage, path);
    }

    private static Dictionary<string, string> ReadConfigs(string folder)
    {
        var configuration = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return configuration;
        }

        foreach (var path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var config = ReadObject(path, "a configuration entry: { \"key\": \"...\", \"value\": \"...\" }");
            var key = OptionalString(config, "key", path) ?? Path.GetFileNameWithoutExtension(path);
            if (!config.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
            {
                // a0deploy cannot export the values (Auth0 never returns them), so an export holds keys the operator must fill in.
                throw new RuleSetException($"{path}: \"value\" must be a string (a0deploy does not export configuration values; fill it in)");
            }
            Auth0Export.AddConfiguration(configuration, key, value.GetString()!, path);
        }
        return configuration;
    }

    private static JsonElement ReadObject(string path, string expected)
    {
        try
        {
            using var document = JsonDocument.Parse(RuleSetDirectory.ReadFile(path), JsonOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new RuleSetException($"{path}: expected a JSON object, {expected}");
        }
        catch (JsonException e)
        {
            throw new RuleSetException($"{path}:{e.LineNumber + 1}: not valid JSON");
        }
    }

    private static string? OptionalString(JsonElement obj, string property, string path)
    {
        if (!obj.TryGetProperty(property, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return element.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(element.GetString())
            ? element.GetString()
            : throw new RuleSetException($"{path}: \"{property}\" must be a non-empty string");
    }
}
