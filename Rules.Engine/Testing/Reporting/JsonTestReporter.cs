using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rules.Engine.Testing.Reporting;

/// <summary>
/// One JSON object: <c>{ "passed", "failed", "cases": [ { "id", "name", "file", "line", "status", "mismatches", "outcome" } ],
/// "coverage": { "percent", "rules": [ { "rule", "file", "percent", "executed", "missed" } ] } }</c>; the outcome only on failure.
/// </summary>
public sealed class JsonTestReporter : ITestReporter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><inheritdoc /></summary>
    public void Report(TestRunResult result, TextWriter output) => output.WriteLine(ToJson(result).ToJsonString(Indented));

    /// <summary>The run's results as the JSON <c>rules test --format json</c> prints, for callers that post-process it.</summary>
    public static JsonObject ToJson(TestRunResult result)
    {
        var cases = new JsonArray();
        foreach (var testCase in result.Cases)
        {
            var entry = new JsonObject
            {
                ["id"] = testCase.Case.Id,
                ["name"] = testCase.Case.Name,
                ["file"] = testCase.Case.File,
                ["line"] = testCase.Case.Line,
                ["status"] = testCase.Passed ? "pass" : "fail",
                ["mismatches"] = new JsonArray(testCase.Mismatches.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
            };
            if (!testCase.Passed)
            {
                entry["outcome"] = testCase.OutcomeJson.DeepClone();
            }
            cases.Add(entry);
        }

        var json = new JsonObject
        {
            ["passed"] = result.PassedCount,
            ["failed"] = result.FailedCount,
            ["cases"] = cases,
        };

        if (result.Coverage is { } coverage)
        {
            json["coverage"] = new JsonObject
            {
                ["percent"] = Math.Round(coverage.Percent, 2),
                ["executedLines"] = coverage.ExecutedLines,
                ["coverableLines"] = coverage.CoverableLines,
                ["rules"] = new JsonArray(coverage.Rules.Select(r => (JsonNode?)new JsonObject
                {
                    ["rule"] = r.Rule,
                    ["file"] = r.File,
                    ["percent"] = Math.Round(r.Percent, 2),
                    ["executed"] = new JsonArray(r.ExecutedLines.Select(l => (JsonNode?)l).ToArray()),
                    ["missed"] = new JsonArray(r.MissedLines.Select(l => (JsonNode?)l).ToArray()),
                }).ToArray()),
            };
        }
        return json;
    }
}
