using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Testing;

/// <summary>
/// Reads test-case files (docs/authoring-rules.md, "Testing rules"):
/// <code>
/// { "base": { "user": {...}, "context": {...}, "now": "...", "configuration": {...} },
///   "cases": [ { "name": "...", "user": {...}, "context": {...}, "now": "...", "configuration": {...}, "expect": {...} } ] }
/// </code>
/// Each case is deep-merged onto the base (objects merge key by key, anything else replaces, null removes).
/// A file without "cases" that holds a transaction and an "expect" (the Rules.Samples/transactions style) is one case.
/// Every problem is a <see cref="TestCaseFormatException"/> whose message starts with file:line.
/// </summary>
public static class TestCaseReader
{
    /// <summary>Where <c>rules test</c> looks for cases when not told: <c>tests/</c> beside the rules.</summary>
    public const string DefaultDirectoryName = "tests";

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };
    private static readonly HashSet<string> FileKeys = new(StringComparer.Ordinal) { "base", "cases", "description" };
    private static readonly HashSet<string> CaseKeys = new(StringComparer.Ordinal) { "name", "user", "context", "now", "configuration", "continue", "http", "expect", "description" };

    /// <summary>Reads every <c>*.json</c> in <paramref name="directory"/>, in file-name order.</summary>
    public static IReadOnlyList<RuleTestCase> ReadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new TestCaseFormatException($"test directory '{directory}' does not exist (test cases live in {DefaultDirectoryName}/*.json beside the rules)");
        }

        var cases = new List<RuleTestCase>();
        foreach (var file in Directory.GetFiles(directory, "*.json").OrderBy(Path.GetFileName, StringComparer.Ordinal))
        {
            cases.AddRange(ReadFile(file));
        }
        return cases;
    }

    /// <summary>Reads the cases of one file; throws <see cref="TestCaseFormatException"/> on the first problem.</summary>
    public static IReadOnlyList<RuleTestCase> ReadFile(string file)
    {
        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TestCaseFormatException($"{file}: cannot read: {e.Message}");
        }
        return Parse(json, file);
    }

    /// <summary>Reads the cases from <paramref name="json"/>; <paramref name="file"/> names the source in messages and in each case.</summary>
    public static IReadOnlyList<RuleTestCase> Parse(string json, string file)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new TestCaseFormatException($"{file}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message.Split(". ")[0]})");
        }

        if (root is not JsonObject obj)
        {
            throw new TestCaseFormatException($"{file}:1: expected an object with \"cases\": [...] (or a transaction with \"expect\")");
        }

        if (!obj.ContainsKey("cases"))
        {
            if (obj.ContainsKey("expect") && obj.ContainsKey("user"))
            {
                // The Rules.Samples/transactions style: the file is the case, named after itself.
                var single = (JsonObject)obj.DeepClone();
                single["name"] = Path.GetFileNameWithoutExtension(file);
                single.Remove("description");
                return [ReadCase(file, 1, null, single, 1)];
            }
            throw new TestCaseFormatException($"{file}:1: expected \"cases\": [ ... ] (or a transaction file with \"user\" and \"expect\")");
        }

        var unknown = obj.Select(p => p.Key).FirstOrDefault(k => !FileKeys.Contains(k));
        if (unknown is not null)
        {
            throw new TestCaseFormatException($"{file}:{LineOfProperty(json, unknown)}: unknown key \"{unknown}\" (a case file holds \"base\" and \"cases\")");
        }

        var baseNode = obj["base"];
        if (baseNode is not null and not JsonObject)
        {
            throw new TestCaseFormatException($"{file}:{LineOfProperty(json, "base")}: \"base\" must be an object with \"user\", \"context\", \"now\"");
        }
        if (obj["cases"] is not JsonArray array)
        {
            throw new TestCaseFormatException($"{file}:{LineOfProperty(json, "cases")}: \"cases\" must be an array of cases");
        }

        var lines = CaseLines(json);
        var cases = new List<RuleTestCase>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var line = i < lines.Count ? lines[i] : 1;
            if (array[i] is not JsonObject caseObject)
            {
                throw new TestCaseFormatException($"{file}:{line}: case {i + 1} must be an object with \"name\" and \"expect\"");
            }
            cases.Add(ReadCase(file, line, (JsonObject?)baseNode, caseObject, i + 1));
        }

        var duplicate = cases.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new TestCaseFormatException($"{file}:{duplicate.Skip(1).First().Line}: case name \"{duplicate.Key}\" is used more than once in this file");
        }
        return cases;
    }

    private static RuleTestCase ReadCase(string file, int line, JsonObject? baseObject, JsonObject caseObject, int number)
    {
        var where = $"{file}:{line}";
        var unknown = caseObject.Select(p => p.Key).FirstOrDefault(k => !CaseKeys.Contains(k));
        if (unknown is not null)
        {
            throw new TestCaseFormatException($"{where}: case {number} has an unknown key \"{unknown}\" (allowed: {string.Join(", ", CaseKeys)})");
        }
        if (caseObject["name"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
        {
            throw new TestCaseFormatException($"{where}: case {number} needs a \"name\" (a non-empty string)");
        }
        if (caseObject["expect"] is not JsonObject expect)
        {
            throw new TestCaseFormatException($"{where}: case \"{name}\" needs an \"expect\" object, e.g. {{ \"decision\": \"allow\" }}");
        }
        ValidateExpect(where, name, expect);

        var merged = baseObject is null ? new JsonObject() : (JsonObject)baseObject.DeepClone();
        foreach (var key in new[] { "user", "context", "now", "configuration", "http" })
        {
            if (caseObject.TryGetPropertyValue(key, out var value))
            {
                merged[key] = merged[key] is JsonObject target && value is JsonObject overrides
                    ? DeepMerge(target, overrides)
                    : value?.DeepClone();
            }
        }

        LoginTransaction transaction;
        try
        {
            transaction = TransactionJson.FromNode(merged, $"{where}: case \"{name}\"");
        }
        catch (TransactionFormatException e)
        {
            throw new TestCaseFormatException(e.Message);
        }

        IReadOnlyList<Http.HttpFixture>? fixtures = null;
        if (merged["http"] is { } http)
        {
            try
            {
                fixtures = Http.HttpFixture.ParseList(http, $"{where}: case \"{name}\"");
            }
            catch (FormatException e)
            {
                throw new TestCaseFormatException(e.Message);
            }
        }

        return new RuleTestCase(name, file, line, transaction, new TestExpectation((JsonObject)expect.DeepClone()), ReadConfiguration(where, name, merged["configuration"]), fixtures)
        {
            Continue = ReadContinue(where, name, caseObject["continue"]),
        };
    }

    /// <summary><c>"continue": { "query": {...}, "body": {...} }</c>: what the browser brings back to /continue after the redirect.</summary>
    private static ContinueStep? ReadContinue(string where, string name, JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not JsonObject obj || obj.Any(p => p.Key is not ("query" or "body")) || obj["query"] is not (null or JsonObject) || obj["body"] is not (null or JsonObject))
        {
            throw new TestCaseFormatException($"{where}: case \"{name}\": \"continue\" must be {{ \"query\": {{...}}, \"body\": {{...}} }} (the /continue request after the redirect)");
        }
        return new ContinueStep((JsonObject)(obj["query"]?.DeepClone() ?? new JsonObject()), (JsonObject)(obj["body"]?.DeepClone() ?? new JsonObject()));
    }

    private static IReadOnlyDictionary<string, string>? ReadConfiguration(string where, string name, JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not JsonObject obj)
        {
            throw new TestCaseFormatException($"{where}: case \"{name}\": \"configuration\" must be an object of string values");
        }
        var configuration = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
            {
                throw new TestCaseFormatException($"{where}: case \"{name}\": configuration value \"{key}\" must be a string, as in rules.json");
            }
            configuration[key] = text;
        }
        return configuration;
    }

    private static void ValidateExpect(string where, string name, JsonObject expect)
    {
        foreach (var (key, value) in expect)
        {
            if (!TestExpectation.IsKnownKey(key))
            {
                throw new TestCaseFormatException($"{where}: case \"{name}\": unknown expectation \"{key}\" (allowed: {string.Join(", ", TestExpectation.ScalarKeys.Concat(TestExpectation.SubsetKeys))})");
            }
            if (key == "decision" && (value is not JsonValue d || !d.TryGetValue<string>(out var decision) || decision is not ("allow" or "deny" or "redirect")))
            {
                throw new TestCaseFormatException($"{where}: case \"{name}\": \"decision\" must be \"allow\", \"deny\" or \"redirect\"");
            }
            if (key == "kind" && (value is not JsonValue k || !k.TryGetValue<string>(out var kind) || kind is not ("rule_denied" or "rule_error" or "timeout" or "limit" or "busy")))
            {
                throw new TestCaseFormatException($"{where}: case \"{name}\": \"kind\" must be one of rule_denied, rule_error, timeout, limit, busy");
            }
            if (key == "mfa" && value is not (null or JsonObject))
            {
                throw new TestCaseFormatException($"{where}: case \"{name}\": \"mfa\" must be an object like {{ \"provider\": \"any\", \"allowRememberBrowser\": false }}, or null for no MFA");
            }
            if (key is "metadataUpdates" or "logs" or "http" && value is not JsonArray)
            {
                throw new TestCaseFormatException($"{where}: case \"{name}\": \"{key}\" must be an array");
            }
            if (key is "idToken" or "accessToken" or "user" or "failure" && value is not JsonObject)
            {
                throw new TestCaseFormatException($"{where}: case \"{name}\": \"{key}\" must be an object (the claims the outcome must contain)");
            }
        }
    }

    /// <summary>Objects merge key by key; arrays and scalars replace; an explicit null removes the key.</summary>
    public static JsonObject DeepMerge(JsonObject target, JsonObject overrides)
    {
        foreach (var (key, value) in overrides)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (target[key] is JsonObject existing && value is JsonObject nested)
            {
                DeepMerge(existing, nested);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
        return target;
    }

    /// <summary>1-based line of each element of the top-level "cases" array, from the reader's byte offsets.</summary>
    private static List<int> CaseLines(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var lines = new List<int>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var inCases = false;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
            {
                inCases = reader.ValueTextEquals("cases");
            }
            else if (inCases && reader.CurrentDepth == 2 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                     or JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
            {
                lines.Add(LineAt(bytes, (int)reader.TokenStartIndex));
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        return lines;
    }

    private static int LineOfProperty(string json, string property)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(property))
            {
                return LineAt(bytes, (int)reader.TokenStartIndex);
            }
        }
        return 1;
    }

    private static int LineAt(byte[] bytes, int offset)
    {
        var line = 1;
        for (var i = 0; i < offset && i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n') line++;
        }
        return line;
    }
}
