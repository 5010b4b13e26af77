using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Replay;

/// <summary>What one evaluated record leaves for the in-order fold: no outcome, no transaction, no JSON.</summary>
internal sealed record ReplayRecordResult(MalformedRecord? Malformed, SideSample Candidate, SideSample? Baseline, ReplayClass? Class = null, ReplayChange? Change = null, bool NotReplayable = false);

/// <summary>One side's per-rule timings for one record, and the rule that failed (error, timeout, limit), if any.</summary>
internal readonly record struct SideSample(IReadOnlyList<RuleTiming> Timings, string? FailedRule)
{
    public static SideSample Of(Outcome outcome) =>
        new(outcome.Timings.Rules, outcome.Kind is DenialKind.RuleError or DenialKind.Timeout or DenialKind.Limit ? outcome.Rule ?? "" : null);

    /// <summary>The recorded outcome's timings.rules, read in place; a "timings" that is not an object throws as the JsonNode indexer did.</summary>
    public static SideSample Of(JsonElement recorded)
    {
        var timings = new List<RuleTiming>();
        if (ParsedReplayRecord.Property(recorded, "timings") is { } recordedTimings)
        {
            if (recordedTimings.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"the recorded outcome's \"timings\" is {recordedTimings.ValueKind}, not an object");
            }
            if (ParsedReplayRecord.Property(recordedTimings, "rules") is { ValueKind: JsonValueKind.Object } rules)
            {
                foreach (var rule in rules.EnumerateObject())
                {
                    if (rule.Value.ValueKind == JsonValueKind.Number && rule.Value.TryGetDouble(out var milliseconds))
                    {
                        timings.Add(new RuleTiming(rule.Name, milliseconds));
                    }
                }
            }
        }
        return new SideSample(timings, ReplayClassifier.IsFailing(recorded) ? FailedRuleName(recorded) : null);
    }

    /// <summary>The "rule" of a failing recorded outcome as JsonNode.ToString() gives it: a string as it is, "" when absent.</summary>
    private static string FailedRuleName(JsonElement recorded) => ParsedReplayRecord.Property(recorded, "rule") switch
    {
        null => "",
        { ValueKind: JsonValueKind.String } rule => rule.GetString()!,
        { } other => JsonNode.Parse(other.GetRawText())!.ToString(),
    };
}
