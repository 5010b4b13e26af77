using System.Globalization;

namespace Rules.Engine.Replay.Reporting;

/// <summary>Plain-text report for a terminal: the counts per class, per-rule latency, then each change with its diff.</summary>
public sealed class TableReplayReporter(int maxChangesShown = 50, bool includeTimings = true) : IReplayReporter
{
    /// <summary><inheritdoc /></summary>
    public void Write(ReplaySummary summary, TextWriter writer)
    {
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine($"replayed {summary.Evaluated.ToString("N0", c)} records: candidate {summary.CandidateVersion} against {summary.Baseline}");
        if (includeTimings)
        {
            writer.WriteLine($"in {summary.Elapsed.TotalSeconds.ToString("0.00", c)} s ({summary.RecordsPerSecond.ToString("N0", c)} records/s)");
        }
        writer.WriteLine();

        var rows = ReplayClasses.All.Select(k => (k.Label(), summary.Counts[k].ToString("N0", c))).ToList();
        if (summary.NotCompared > 0) rows.Add(("not compared (no recorded outcome)", summary.NotCompared.ToString("N0", c)));
        if (summary.NotReplayable > 0) rows.Add(("not replayable (network)", summary.NotReplayable.ToString("N0", c)));
        rows.Add(("malformed", summary.Malformed.ToString("N0", c)));
        WriteTable(writer, ["class", "records"], rows.Select(r => new[] { r.Item1, r.Item2 }).ToList(), rightAlign: [1]);

        if (includeTimings && (summary.CandidateRules.Count > 0 || summary.BaselineRules.Count > 0))
        {
            writer.WriteLine();
            var statRows = new List<string[]>();
            foreach (var (side, stats) in new[] { ("candidate", summary.CandidateRules), (summary.Baseline == "recorded" ? "recorded" : "baseline", summary.BaselineRules) })
            {
                foreach (var s in stats)
                {
                    statRows.Add([side, s.Rule, s.Runs.ToString("N0", c), Ms(s.P50Ms), Ms(s.P95Ms), Ms(s.P99Ms), s.Errors.ToString("N0", c)]);
                }
            }
            WriteTable(writer, ["side", "rule", "runs", "p50 ms", "p95 ms", "p99 ms", "errors"], statRows, rightAlign: [2, 3, 4, 5, 6]);
        }

        foreach (var malformed in summary.MalformedRecords.Take(20))
        {
            writer.WriteLine($"malformed: {malformed.Source}:{malformed.Line}: {malformed.Message}");
        }
        if (summary.StoppedEarly)
        {
            writer.WriteLine("stopped at the first malformed record (--strict)");
        }

        if (summary.Changes.Count == 0)
        {
            writer.WriteLine();
            writer.WriteLine(summary.NotCompared == summary.Evaluated && summary.Evaluated > 0 ? "nothing to compare with: no recorded outcomes; use --against" : "no decision changed");
            return;
        }

        writer.WriteLine();
        writer.WriteLine($"changed records ({summary.Changed.ToString("N0", c)}):");
        foreach (var change in summary.Changes.Take(maxChangesShown))
        {
            writer.WriteLine();
            WriteChange(writer, change);
        }
        var hidden = summary.Changed - Math.Min(maxChangesShown, summary.Changes.Count);
        if (hidden > 0)
        {
            writer.WriteLine();
            writer.WriteLine($"... and {hidden.ToString("N0", c)} more (use --format json or --report FILE.html for all of them)");
        }
    }

    internal static void WriteChange(TextWriter writer, ReplayChange change)
    {
        writer.WriteLine($"{change.Name} [{change.Class.Name()}] ({change.Source}:{change.Line})");
        writer.WriteLine($"  - {change.Before}");
        writer.WriteLine($"  + {change.After}");
        foreach (var field in change.Diff)
        {
            writer.WriteLine($"    {field.Path}:");
            writer.WriteLine($"      - {field.Before ?? "(absent)"}");
            writer.WriteLine($"      + {field.After ?? "(absent)"}");
        }
    }

    private static string Ms(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture);

    private static void WriteTable(TextWriter writer, string[] header, IReadOnlyList<string[]> rows, int[] rightAlign)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((cell, i) => rightAlign.Contains(i) ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd();
        writer.WriteLine(Line(header));
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            writer.WriteLine(Line(row));
        }
    }
}
