using System.Text;

namespace Rules.PeerComparison.Reporting;

/// <summary>A bar to draw for one row: which series it belongs to and its value.</summary>
public sealed record ChartBar(string Series, double Value);

/// <summary>
/// One results table as it lands in benchmarks/results: an id (file name), a title, a markdown body, notes, and the
/// bars of its chart (one group per row label).
/// </summary>
public sealed class ResultTable(string id, string title, string chartUnit, bool logScale)
{
    private readonly List<string[]> _rows = [];
    private string[] _headers = [];

    public string Id { get; } = id;
    public string Title { get; } = title;
    public string ChartUnit { get; } = chartUnit;
    public bool LogScale { get; } = logScale;
    public List<string> Notes { get; } = [];
    public List<(string Group, List<ChartBar> Bars)> Chart { get; } = [];

    public ResultTable Headers(params string[] headers)
    {
        _headers = headers;
        return this;
    }

    public void Row(params string[] cells) => _rows.Add(cells);

    public void Bars(string group, params ChartBar[] bars) => Chart.Add((group, bars.Where(b => double.IsFinite(b.Value) && b.Value > 0).ToList()));

    public string Markdown(bool withChartLink)
    {
        var text = new StringBuilder();
        text.AppendLine($"### {Title}").AppendLine();
        text.AppendLine("| " + string.Join(" | ", _headers) + " |");
        text.AppendLine("| " + string.Join(" | ", _headers.Select((_, i) => i == 0 ? "---" : "---:")) + " |");
        foreach (var row in _rows)
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }
        text.AppendLine();
        foreach (var note in Notes)
        {
            text.AppendLine(note).AppendLine();
        }
        if (withChartLink && Chart.Count > 0)
        {
            text.AppendLine($"![{Title}](results/{Id}.svg)").AppendLine();
        }
        return text.ToString();
    }
}
