using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rules.Engine.Testing;

/// <summary>Compares an outcome (in its JSON form) with an expectation; each mismatch is one readable line.</summary>
internal static class OutcomeMatcher
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<string> Compare(TestExpectation expectation, JsonObject actual)
    {
        var mismatches = new List<string>();
        foreach (var (key, expected) in expectation.Fields)
        {
            var value = actual[key];
            if (TestExpectation.ScalarKeys.Contains(key))
            {
                if (!JsonNode.DeepEquals(expected, value))
                {
                    mismatches.Add($"{key}: expected {Show(expected)}, got {Show(value)}");
                }
            }
            else if (key is "metadataUpdates" or "logs" or "http")
            {
                CompareList(key, (JsonArray)expected!, value as JsonArray ?? [], mismatches);
            }
            else
            {
                CompareSubset(key, expected, value, mismatches);
            }
        }
        return mismatches;
    }

    private static void CompareList(string path, JsonArray expected, JsonArray actual, List<string> mismatches)
    {
        if (expected.Count != actual.Count)
        {
            mismatches.Add($"{path}: expected {expected.Count} entr{(expected.Count == 1 ? "y" : "ies")}, got {actual.Count}: {Show(actual)}");
            return;
        }
        for (var i = 0; i < expected.Count; i++)
        {
            CompareSubset($"{path}[{i}]", expected[i], actual[i], mismatches);
        }
    }

    /// <summary>Objects: every expected key must be present and match (the actual may hold more); an expected null means absent or null. Anything else: equal.</summary>
    private static void CompareSubset(string path, JsonNode? expected, JsonNode? actual, List<string> mismatches)
    {
        if (expected is JsonObject expectedObject)
        {
            if (actual is not JsonObject actualObject)
            {
                mismatches.Add($"{path}: expected an object like {Show(expected)}, got {Show(actual)}");
                return;
            }
            foreach (var (key, value) in expectedObject)
            {
                var childPath = $"{path}[\"{key}\"]";
                if (!actualObject.TryGetPropertyValue(key, out var actualValue))
                {
                    // Expecting null says "this claim must not be there": absent satisfies it.
                    if (value is null)
                    {
                        continue;
                    }
                    mismatches.Add($"{childPath}: expected {Show(value)}, but the claim is missing");
                    continue;
                }
                CompareSubset(childPath, value, actualValue, mismatches);
            }
            return;
        }

        if (!JsonNode.DeepEquals(expected, actual))
        {
            mismatches.Add($"{path}: expected {Show(expected)}, got {Show(actual)}");
        }
    }

    public static string Show(JsonNode? node) => node is null ? "null" : node.ToJsonString(Compact);
}
