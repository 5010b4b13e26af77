namespace Rules.Engine.Testing.Coverage;

/// <summary>Line coverage of one rule: the author's statement lines the cases executed and the ones they never reached.</summary>
public sealed record RuleCoverage(string Rule, string File, IReadOnlyList<int> ExecutedLines, IReadOnlyList<int> MissedLines)
{
    /// <summary>Statement lines in this rule.</summary>
    public int CoverableLines => ExecutedLines.Count + MissedLines.Count;

    /// <summary>100 when the rule has no statement lines at all.</summary>
    public double Percent => CoverableLines == 0 ? 100 : 100.0 * ExecutedLines.Count / CoverableLines;
}

/// <summary>Coverage of every enabled rule (disabled rules never run, so they are not counted).</summary>
public sealed record CoverageReport(IReadOnlyList<RuleCoverage> Rules)
{
    /// <summary>Statement lines, across every rule, that at least one case executed.</summary>
    public int ExecutedLines => Rules.Sum(r => r.ExecutedLines.Count);

    /// <summary>Statement lines across every enabled rule.</summary>
    public int CoverableLines => Rules.Sum(r => r.CoverableLines);

    /// <summary>Executed lines as a percentage of coverable lines; 100 when there are none.</summary>
    public double Percent => CoverableLines == 0 ? 100 : 100.0 * ExecutedLines / CoverableLines;

    /// <summary>Compact line ranges, e.g. "12-14, 20".</summary>
    public static string Ranges(IReadOnlyList<int> lines)
    {
        var parts = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var start = lines[i];
            while (i + 1 < lines.Count && lines[i + 1] == lines[i] + 1) i++;
            parts.Add(start == lines[i] ? $"{start}" : $"{start}-{lines[i]}");
        }
        return string.Join(", ", parts);
    }
}
