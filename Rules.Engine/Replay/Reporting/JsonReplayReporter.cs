using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rules.Engine.Replay.Reporting;

/// <summary>
/// Machine-readable report with stable field names (docs/replay.md). Without timings the output depends only on
/// the log and the rule sets, so two runs (any thread count) give byte-identical JSON.
/// </summary>
public sealed class JsonReplayReporter(bool includeTimings = true) : IReplayReporter
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><inheritdoc /></summary>
    public void Write(ReplaySummary summary, TextWriter writer)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("candidate", summary.CandidateVersion);
            json.WriteString("baseline", summary.Baseline);
            json.WriteNumber("evaluated", summary.Evaluated);
            json.WriteNumber("changed", summary.Changed);
            json.WriteNumber("notCompared", summary.NotCompared);
            json.WriteNumber("notReplayable", summary.NotReplayable);
            json.WriteNumber("malformed", summary.Malformed);
            json.WriteBoolean("stoppedEarly", summary.StoppedEarly);
            json.WriteStartObject("counts");
            foreach (var c in ReplayClasses.All)
            {
                json.WriteNumber(c.Name(), summary.Counts[c]);
            }
            json.WriteEndObject();

            json.WriteStartArray("changes");
            foreach (var change in summary.Changes)
            {
                json.WriteStartObject();
                json.WriteString("id", change.Id);
                json.WriteString("source", change.Source);
                json.WriteNumber("line", change.Line);
                json.WriteString("class", change.Class.Name());
                json.WriteString("before", change.Before);
                json.WriteString("after", change.After);
                json.WriteStartArray("diff");
                foreach (var field in change.Diff)
                {
                    json.WriteStartObject();
                    json.WriteString("path", field.Path);
                    json.WriteString("before", field.Before);
                    json.WriteString("after", field.After);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("changesOmitted", summary.ChangesOmitted);

            json.WriteStartArray("malformedRecords");
            foreach (var m in summary.MalformedRecords)
            {
                json.WriteStartObject();
                json.WriteString("source", m.Source);
                json.WriteNumber("line", m.Line);
                json.WriteString("message", m.Message);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartObject("rules");
            WriteRules(json, "candidate", summary.CandidateRules);
            WriteRules(json, "baseline", summary.BaselineRules);
            json.WriteEndObject();

            if (includeTimings)
            {
                json.WriteNumber("elapsedMs", Math.Round(summary.Elapsed.TotalMilliseconds, 1));
                json.WriteNumber("recordsPerSecond", Math.Round(summary.RecordsPerSecond, 1));
            }
            json.WriteEndObject();
        }
        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private void WriteRules(Utf8JsonWriter json, string side, IReadOnlyList<RuleStats> stats)
    {
        json.WriteStartArray(side);
        foreach (var s in stats)
        {
            json.WriteStartObject();
            json.WriteString("rule", s.Rule);
            json.WriteNumber("runs", s.Runs);
            json.WriteNumber("errors", s.Errors);
            if (includeTimings)
            {
                json.WriteNumber("p50Ms", Math.Round(s.P50Ms, 4));
                json.WriteNumber("p95Ms", Math.Round(s.P95Ms, 4));
                json.WriteNumber("p99Ms", Math.Round(s.P99Ms, 4));
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
