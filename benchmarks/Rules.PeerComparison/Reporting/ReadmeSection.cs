using System.Text;
using System.Text.RegularExpressions;

namespace Rules.PeerComparison.Reporting;

/// <summary>
/// Gathers benchmarks/results/*.md in reading order into results/summary.md and into benchmarks/README.md between
/// the peer-comparison markers, so the README always shows the latest run and nothing else is touched.
/// </summary>
public static partial class ReadmeSection
{
    public const string Start = "<!-- peer-comparison:start (written by benchmarks/run; edits here are overwritten) -->";
    public const string End = "<!-- peer-comparison:end -->";

    private static readonly string[] Order =
        ["machine", "goals", "side-by-side", "growth-rules", "growth-app-metadata", "allocations-bdn", "allocations", "threads", "memory", "server-load", "server-time", "profile", "replay"];

    public static void Update(string resultsDir, string readmePath)
    {
        var files = Directory.GetFiles(resultsDir, "*.md")
            .Where(f => Path.GetFileName(f) != "summary.md")
            .OrderBy(f => Array.IndexOf(Order, Path.GetFileNameWithoutExtension(f)) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToArray();
        var summary = new StringBuilder();
        foreach (var file in files)
        {
            summary.AppendLine(File.ReadAllText(file).TrimEnd()).AppendLine();
        }
        File.WriteAllText(Path.Combine(resultsDir, "summary.md"), summary.ToString());

        // From the README, the charts live one folder down.
        var relative = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(readmePath))!, Path.GetFullPath(resultsDir)).Replace('\\', '/');
        var section = ChartLink().Replace(summary.ToString(), m => $"]({relative}/{m.Groups[1].Value})");
        var readme = File.ReadAllText(readmePath);
        var block = Start + "\n\n" + section.TrimEnd() + "\n\n" + End;
        var begin = readme.IndexOf(Start, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        readme = begin >= 0 && end > begin
            ? readme[..begin] + block + readme[(end + End.Length)..]
            : readme.TrimEnd() + "\n\n" + block + "\n";
        File.WriteAllText(readmePath, readme);
    }

    [GeneratedRegex(@"\]\(([\w.-]+\.svg)\)")]
    private static partial Regex ChartLink();
}
