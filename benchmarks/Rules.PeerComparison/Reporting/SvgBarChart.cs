using System.Globalization;
using System.Net;
using System.Text;

namespace Rules.PeerComparison.Reporting;

/// <summary>
/// Draws a table's chart as a self-contained SVG: one group of horizontal bars per row, one colour per series,
/// each bar labelled with its value. Log scale when values span orders of magnitude (warm µs next to cold ms).
/// </summary>
public static class SvgBarChart
{
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    public static string Render(ResultTable table)
    {
        var series = table.Chart.SelectMany(g => g.Bars.Select(b => b.Series)).Distinct().ToList();
        var values = table.Chart.SelectMany(g => g.Bars.Select(b => b.Value)).ToArray();
        const int labelWidth = 230, plotWidth = 560, barHeight = 14, gap = 10, top = 50, legendRow = 18;
        var groupHeight = table.Chart.Select(g => Math.Max(1, g.Bars.Count)).DefaultIfEmpty(1).Max() * barHeight + gap;
        var legendRows = (series.Count + 2) / 3;
        var height = top + table.Chart.Count * groupHeight + 30 + legendRows * legendRow;
        var width = labelWidth + plotWidth + 110;
        var max = values.DefaultIfEmpty(1).Max();
        var min = values.DefaultIfEmpty(1).Min();
        var logMin = Math.Floor(Math.Log10(Math.Max(min, 1e-9)));
        var logMax = Math.Ceiling(Math.Log10(Math.Max(max, 1e-9)));
        if (logMax <= logMin) logMax = logMin + 1;

        double Scale(double v) => table.LogScale
            ? (Math.Log10(v) - logMin) / (logMax - logMin) * plotWidth
            : v / max * plotWidth;

        var svg = new StringBuilder();
        svg.AppendLine(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">"));
        svg.AppendLine(Inv($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        svg.AppendLine(Inv($"<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{Esc(table.Title)}</text>"));
        svg.AppendLine(Inv($"<text x=\"10\" y=\"38\" fill=\"#555\">{Esc(table.ChartUnit)}{(table.LogScale ? " (log scale)" : "")}</text>"));

        if (table.LogScale)
        {
            for (var p = logMin; p <= logMax; p++)
            {
                var x = labelWidth + Scale(Math.Pow(10, p));
                svg.AppendLine(Inv($"<line x1=\"{x:0.#}\" y1=\"{top - 5}\" x2=\"{x:0.#}\" y2=\"{top + table.Chart.Count * groupHeight}\" stroke=\"#ddd\"/>"));
                svg.AppendLine(Inv($"<text x=\"{x:0.#}\" y=\"{top + table.Chart.Count * groupHeight + 12}\" text-anchor=\"middle\" fill=\"#555\">{Format(Math.Pow(10, p))}</text>"));
            }
        }

        var y = top;
        foreach (var (group, bars) in table.Chart)
        {
            svg.AppendLine(Inv($"<text x=\"{labelWidth - 8}\" y=\"{y + bars.Count * barHeight / 2.0 + 4:0.#}\" text-anchor=\"end\">{Esc(Fit(group))}</text>"));
            for (var i = 0; i < bars.Count; i++)
            {
                var bar = bars[i];
                var w = Math.Max(1, Scale(bar.Value));
                var colour = Palette[series.IndexOf(bar.Series) % Palette.Length];
                var by = y + i * barHeight;
                svg.AppendLine(Inv($"<rect x=\"{labelWidth}\" y=\"{by}\" width=\"{w:0.#}\" height=\"{barHeight - 2}\" fill=\"{colour}\"><title>{Esc(bar.Series)}: {Format(bar.Value)}</title></rect>"));
                svg.AppendLine(Inv($"<text x=\"{labelWidth + w + 4:0.#}\" y=\"{by + barHeight - 4}\" fill=\"#333\">{Format(bar.Value)}</text>"));
            }
            y += groupHeight;
        }

        var ly = top + table.Chart.Count * groupHeight + 30;
        for (var i = 0; i < series.Count; i++)
        {
            var lx = 10 + i % 3 * 290;
            var row = ly + i / 3 * legendRow;
            svg.AppendLine(Inv($"<rect x=\"{lx}\" y=\"{row - 10}\" width=\"12\" height=\"12\" fill=\"{Palette[i % Palette.Length]}\"/>"));
            svg.AppendLine(Inv($"<text x=\"{lx + 18}\" y=\"{row}\">{Esc(series[i])}</text>"));
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    public static string Format(double value) => value switch
    {
        >= 10_000 => value.ToString("#,0", CultureInfo.InvariantCulture).Replace(',', ' '),
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };

    /// <summary>Row labels sit in a 230-pixel column; longer ones are cut so they never run off the image.</summary>
    private static string Fit(string label) => label.Length <= 36 ? label : label[..35] + "…";

    private static string Esc(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
