using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rules.Engine.RuleSets;

/// <summary>
/// Reads the Auth0 Deploy CLI's YAML export (<c>a0deploy export --format yaml</c>): <c>tenant.yaml</c> with
/// <c>rules: [ { name, script: ./rules/NAME.js, order, enabled, stage } ]</c> and <c>rulesConfigs: [ { key, value } ]</c>.
/// Script paths are relative to the YAML file, as a0deploy writes them; everything else in the file is ignored.
/// </summary>
internal static class DeployCliYaml
{
    public static readonly string[] FileNames = ["tenant.yaml", "tenant.yml"];

    public static bool IsYamlFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    public static string? FindIn(string directory) =>
        FileNames.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    public static RuleSet Load(string file)
    {
        var root = Parse(file);
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var entries = new List<Auth0ExportRule>();
        var explicitlyEmpty = false;

        if (Child(root, "rules") is { } rulesNode)
        {
            var rules = rulesNode as YamlSequenceNode ?? throw Error(file, rulesNode, "\"rules\" must be a list");
            explicitlyEmpty = rules.Children.Count == 0;
            var index = 0;
            foreach (var node in rules.Children)
            {
                entries.Add(ReadRule(file, baseDirectory, node, index++));
            }
        }
        else if (Child(root, "rulesConfigs") is null)
        {
            throw new RuleSetException($"{file}: no \"rules:\" list; expected the Deploy CLI's tenant.yaml with rules and rulesConfigs");
        }

        var configuration = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(root, "rulesConfigs") is { } configsNode && configsNode is not YamlScalarNode { Value: null or "" })
        {
            var configs = configsNode as YamlSequenceNode ?? throw Error(file, configsNode, "\"rulesConfigs\" must be a list of { key, value }");
            var index = 0;
            foreach (var node in configs.Children)
            {
                var where = $"{file}:{node.Start.Line}: rulesConfigs[{index++}]";
                var entry = node as YamlMappingNode ?? throw new RuleSetException($"{where} must be a mapping with key and value");
                var key = Scalar(entry, "key", where) ?? throw new RuleSetException($"{where}: \"key\" is required");
                var value = Scalar(entry, "value", where)
                    ?? throw new RuleSetException($"{where}: \"value\" is required (a0deploy does not export configuration values; fill it in)");
                Auth0Export.AddConfiguration(configuration, key, value, where);
            }
        }

        return Auth0Export.Build(entries, configuration, [], explicitlyEmpty, file);
    }

    private static YamlMappingNode Parse(string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(RuleSetDirectory.ReadFile(file)));
        }
        catch (YamlException e)
        {
            throw new RuleSetException($"{file}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new RuleSetException($"{file}: expected a YAML mapping (the Deploy CLI's tenant.yaml)");
        }
        return root;
    }

    private static Auth0ExportRule ReadRule(string file, string baseDirectory, YamlNode node, int index)
    {
        var where = $"{file}:{node.Start.Line}: rules[{index}]";
        var rule = node as YamlMappingNode ?? throw new RuleSetException($"{where} must be a mapping with name, script, order, enabled");
        var name = Scalar(rule, "name", where) ?? throw new RuleSetException($"{where}: \"name\" is required");
        var script = Scalar(rule, "script", where) ?? throw new RuleSetException($"{where}: \"script\" is required (a path such as ./rules/{name}.js)");

        string scriptFile, source;
        var path = script.Contains('\n') ? null : Auth0Export.ResolveInside(baseDirectory, baseDirectory, script, where);
        if (path is not null && File.Exists(path))
        {
            scriptFile = Path.Combine(Path.GetDirectoryName(file) ?? "", Path.GetRelativePath(baseDirectory, path));
            source = RuleSetDirectory.ReadFile(path);
        }
        else if (path is not null && (script.EndsWith(".js", StringComparison.OrdinalIgnoreCase) || script.StartsWith("./", StringComparison.Ordinal)))
        {
            throw new RuleSetException($"{where}: script '{script}' does not exist");
        }
        else
        {
            // a0deploy also accepts the code itself in place of a path.
            scriptFile = $"{file}#{name}";
            source = script;
        }

        double? order = null;
        if (Scalar(rule, "order", where) is { } orderText)
        {
            order = double.TryParse(orderText, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new RuleSetException($"{where}: \"order\" must be a number");
        }

        var enabled = Scalar(rule, "enabled", where) switch
        {
            null or "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            var other => throw new RuleSetException($"{where}: \"enabled\" must be true or false, not '{other}'"),
        };

        var stage = Scalar(rule, "stage", where) ?? Auth0Export.LoginSuccessStage;
        return new Auth0ExportRule(name, scriptFile, source, order, enabled, stage, where);
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key, string where) => Child(node, key) switch
    {
        null => null,
        YamlScalarNode { Value: null or "" or "~" or "null" } => null,
        YamlScalarNode scalar => scalar.Value,
        _ => throw new RuleSetException($"{where}: \"{key}\" must be a single value"),
    };

    private static RuleSetException Error(string file, YamlNode node, string message) => new($"{file}:{node.Start.Line}: {message}");
}
