using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Rules.Engine.Replay.Reporting;

/// <summary>
/// One self-contained page: no script, no stylesheet or font from the network. Inline SVG bar charts of the
/// decision changes and of per-rule p95 latency on both sides, then every kept change with its diff.
/// Everything from the log or the rules is HTML-encoded.
/// </summary>
public sealed class HtmlReplayReporter : IReplayReporter
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary><inheritdoc /></summary>
    public void Write(ReplaySummary summary, TextWriter writer)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>rules replay</title>
            <style>
            body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1d1d1f;max-width:1100px}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            .change{border:1px solid #ddd;border-radius:6px;margin:1em 0;padding:.6em 1em}
            .cls{font-weight:600;color:#b3261e}.del{color:#b3261e}.add{color:#1a7f37}pre{white-space:pre-wrap;margin:.2em 0}
            </style></head><body>
            """);
        html.Append($"<h1>rules replay</h1><p>Candidate <code>{E(summary.CandidateVersion)}</code> against <code>{E(summary.Baseline)}</code>: ")
            .Append($"{summary.Evaluated.ToString("N0", C)} records evaluated, <strong>{summary.Changed.ToString("N0", C)} changed</strong>, ")
            .Append($"{summary.Malformed.ToString("N0", C)} malformed, in {summary.Elapsed.TotalSeconds.ToString("0.00", C)} s.</p>");

        html.Append("<h2>Decision changes</h2>");
        html.Append(BarChart(ReplayClasses.Changes.Select(k => (k.Label(), (double)summary.Counts[k], summary.Counts[k].ToString("N0", C))).ToList(), "#b3261e"));
        html.Append("<table><tr><th>class</th><th>records</th></tr>");
        foreach (var k in ReplayClasses.All)
        {
            html.Append($"<tr><td>{E(k.Label())}</td><td class=n>{summary.Counts[k].ToString("N0", C)}</td></tr>");
        }
        html.Append("</table>");

        html.Append("<h2>Per-rule latency (p95, ms)</h2>");
        foreach (var (side, stats, colour) in new[] { ("candidate", summary.CandidateRules, "#0b57d0"), (summary.Baseline, summary.BaselineRules, "#777") })
        {
            if (stats.Count == 0) continue;
            html.Append($"<h3>{E(side)}</h3>");
            html.Append(BarChart(stats.Select(s => (s.Rule, s.P95Ms, s.P95Ms.ToString("0.000", C))).ToList(), colour));
            html.Append("<table><tr><th>rule</th><th>runs</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>errors</th></tr>");
            foreach (var s in stats)
            {
                html.Append($"<tr><td>{E(s.Rule)}</td><td class=n>{s.Runs.ToString("N0", C)}</td><td class=n>{s.P50Ms.ToString("0.000", C)}</td>")
                    .Append($"<td class=n>{s.P95Ms.ToString("0.000", C)}</td><td class=n>{s.P99Ms.ToString("0.000", C)}</td><td class=n>{s.Errors.ToString("N0", C)}</td></tr>");
            }
            html.Append("</table>");
        }

        html.Append($"<h2>Changed records ({summary.Changed.ToString("N0", C)})</h2>");
        if (summary.ChangesOmitted > 0)
        {
            html.Append($"<p>{summary.ChangesOmitted.ToString("N0", C)} more changes are counted above but not listed.</p>");
        }
        foreach (var change in summary.Changes)
        {
            html.Append($"<div class=change><div><span class=cls>{E(change.Class.Label())}</span> <code>{E(change.Name)}</code> <small>{E(change.Source)}:{change.Line}</small></div>")
                .Append($"<pre class=del>- {E(change.Before)}</pre><pre class=add>+ {E(change.After)}</pre>");
            foreach (var field in change.Diff)
            {
                html.Append($"<div><code>{E(field.Path)}</code><pre class=del>- {E(field.Before ?? "(absent)")}</pre><pre class=add>+ {E(field.After ?? "(absent)")}</pre></div>");
            }
            html.Append("</div>");
        }

        if (summary.MalformedRecords.Count > 0)
        {
            html.Append("<h2>Malformed records</h2><ul>");
            foreach (var m in summary.MalformedRecords)
            {
                html.Append($"<li><code>{E(m.Source)}:{m.Line}</code> {E(m.Message)}</li>");
            }
            html.Append("</ul>");
        }
        html.Append("</body></html>\n");
        writer.Write(html.ToString());
    }

    /// <summary>Horizontal bars, one per item, scaled to the largest value.</summary>
    private static string BarChart(IReadOnlyList<(string Label, double Value, string Text)> items, string colour)
    {
        const int labelWidth = 330, barWidth = 420, row = 24;
        var max = items.Count == 0 ? 0 : items.Max(i => i.Value);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{labelWidth + barWidth + 90}\" height=\"{items.Count * row + 4}\">");
        for (var i = 0; i < items.Count; i++)
        {
            var (label, value, text) = items[i];
            var width = max > 0 ? Math.Max(value > 0 ? 1 : 0, value / max * barWidth) : 0;
            var y = i * row + 2;
            svg.Append($"<text x=\"{labelWidth - 6}\" y=\"{y + 16}\" text-anchor=\"end\" font-size=\"12\">{E(label)}</text>")
                .Append($"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{width.ToString("0.#", C)}\" height=\"{row - 8}\" fill=\"{colour}\"><title>{E(label)}: {E(text)}</title></rect>")
                .Append($"<text x=\"{(labelWidth + width + 6).ToString("0.#", C)}\" y=\"{y + 16}\" font-size=\"12\">{E(text)}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
