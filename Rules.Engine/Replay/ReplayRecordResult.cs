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
        var timings = new List<RuleTiming>(RecordedRuleCount(recorded));
        if (ParsedReplayRecord.Property(recorded, "timings") is { } recordedTimings)
        {
            if (recordedTimings.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"the recorded outcome's \"timings\" is {recordedTimings.ValueKind}, not an object");
            }
            if (ParsedReplayRecord.Property(recordedTimings, "rules") is { ValueKind: JsonValueKind.Object } rules)
            {
                var names = t_ruleNames ??= new RuleNames();
                var index = 0;
                foreach (var rule in rules.EnumerateObject())
                {
                    if (rule.Value.ValueKind == JsonValueKind.Number && rule.Value.TryGetDouble(out var milliseconds))
                    {
                        timings.Add(new RuleTiming(names.Of(rule, index), milliseconds));
                    }
                    index++;
                }
            }
        }
        return new SideSample(timings, ReplayClassifier.IsFailing(recorded) ? FailedRuleName(recorded) : null);
    }

    [ThreadStatic]
    private static RuleNames? t_ruleNames;

    private static int RecordedRuleCount(JsonElement recorded) =>
        ParsedReplayRecord.Property(recorded, "timings") is { ValueKind: JsonValueKind.Object } timings
        && ParsedReplayRecord.Property(timings, "rules") is { ValueKind: JsonValueKind.Object } rules ? rules.GetPropertyCount() : 0;

    /// <summary>The "rule" of a failing recorded outcome as JsonNode.ToString() gives it: a string as it is, "" when absent.</summary>
    private static string FailedRuleName(JsonElement recorded) => ParsedReplayRecord.Property(recorded, "rule") switch
    {
        null => "",
        { ValueKind: JsonValueKind.String } rule => rule.GetString()!,
        { } other => JsonNode.Parse(other.GetRawText())!.ToString(),
    };
}

/// <summary>
/// The rule names recorded timings use, kept as strings once per thread: every record of a log names the same few
/// rules, usually in the same order, so a name is matched on its raw UTF-8 bytes (first at the same position as last
/// time) instead of being decoded into a new string per record. Bounded, so a log naming endless rules cannot grow it.
/// </summary>
internal sealed class RuleNames
{
    private const int MaxKept = 256;
    private readonly List<(byte[] Utf8, string Name)> _known = [];

    public string Of(JsonProperty property, int position)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.Contains((byte)'\\'))
        {
            return property.Name;
        }
        if (position < _known.Count && raw.SequenceEqual(_known[position].Utf8))
        {
            return _known[position].Name;
        }
        foreach (var (utf8, name) in _known)
        {
            if (raw.SequenceEqual(utf8))
            {
                return name;
            }
        }
        var decoded = property.Name;
        if (_known.Count < MaxKept)
        {
            _known.Add((raw.ToArray(), decoded));
        }
        return decoded;
    }
}
